# Two overrides for the same upstream: only one of them could apply.
Kind      = "service-defaults"
Name      = "dashboard"
Namespace = "product"
UpstreamConfig {
  Overrides = [
    {
      Name             = "counting"
      ConnectTimeoutMs = 1000
    },
    {
      Name      = "counting"
      Namespace = "product"
      MeshGateway {
        Mode = "local"
      }
    }
  ]
}
