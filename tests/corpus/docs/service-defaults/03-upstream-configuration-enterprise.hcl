Kind      = "service-defaults"
Name      = "dashboard"
Namespace = "product"

UpstreamConfig = {
  Defaults = {
    MeshGateway = {
      Mode = "local"
    }
    Limits = {
      MaxConnections        = 512
      MaxPendingRequests    = 512
      MaxConcurrentRequests = 512
    }
  }

  Overrides = [
    {
      Name      = "counting"
      Namespace = "backend"
      MeshGateway = {
        Mode = "remote"
      }
    }
  ]
}
