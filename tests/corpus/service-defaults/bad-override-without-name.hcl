# Overrides each name one upstream; settings for all of them belong in Defaults.
Kind = "service-defaults"
Name = "dashboard"
UpstreamConfig {
  Overrides = [
    {
      MeshGateway {
        Mode = "remote"
      }
    },
    {
      Name = "*"
      ConnectTimeoutMs = 1000
    }
  ]
}
