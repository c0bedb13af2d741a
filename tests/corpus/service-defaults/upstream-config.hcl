# Every upstream of `dashboard` goes through the local mesh gateway with connection limits,
# except `counting`, which is dialled through the gateway of its own datacenter.
Kind = "service-defaults"
Name = "dashboard"

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
      Name = "counting"
      MeshGateway = {
        Mode = "remote"
      }
      ConnectTimeoutMs = 2500
      PassiveHealthCheck = {
        Interval                = "10s"
        MaxFailures             = 5
        EnforcingConsecutive5xx = 100
        MaxEjectionPercent      = 10
        BaseEjectionTime        = "30s"
      }
    }
  ]
}
