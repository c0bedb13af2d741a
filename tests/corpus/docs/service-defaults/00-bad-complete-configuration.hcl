# "Complete configuration", placeholders replaced (see the README). As the page writes it,
# RateLimits lacks its closing brace and EnvoyExtensions' Required is written `false` in
# backquotes, which Consul's HCL parser refuses (illegal char).
Kind      = "service-defaults"
Name      = "web"
Namespace = "default"
Partition = "default"
Meta = {
  Key = "value"
}
Protocol                  = "tcp"
BalanceInboundConnections = "exact_balance"
Mode                      = "transparent"
RateLimits = {
  InstanceLevel = {
    RequestsPerSecond = 100
    RequestsMaxBurst = 200
    Routes = [
      {
        PathExact = "/exact"
        PathPrefix = "/prefix"
        PathRegex = "/regex/.*"
        RequestsPerSecond = 50
        RequestMaxBurst = 100
      }
  ]
}
UpstreamConfig = {
  Overrides = {
    Name             = "api"
    Namespace        = "default"
    Peer             = "cluster-02"
    Protocol         = "http"
    ConnectTimeoutMs = 5000
    MeshGateway = {
      mode = "local"
    }
    BalanceOutboundConnections = "exact_balance"
    Limits = {
      MaxConnections        = 0
      MaxPendingRequests    = 0
      MaxConcurrentRequests = 0
    }
    PassiveHealthCheck = {
      Interval                = "0s"
      MaxFailures             = 0
      EnforcingConsecutive5xx = 100
      MaxEjectionPercent      = 10
      BaseEjectionTime        = "30s"
    }
  }
  Defaults = {
    Protocol         = "http"
    ConnectTimeoutMs = 5000
    MeshGateway = {
      mode = "local"
    }
    BalanceOutboundConnections = "exact_balance"
    Limits = {
      MaxConnections        = 0
      MaxPendingRequests    = 0
      MaxConcurrentRequests = 0
    }
    PassiveHealthCheck = {
      Interval                = "0s"
      MaxFailures             = 0
      EnforcingConsecutive5xx = 100
      MaxEjectionPercent      = 10
      BaseEjectionTime        = "30s"
    }
  }
}
TransparentProxy = {
  OutboundListenerPort = 15001
  DialedDirectly       = false
}
MutualTLSMode = "strict"
EnvoyExtensions = [
  {
    Name = "builtin/lua"
    Required = `false`
    Arguments = { Listener = "inbound" }
    ConsulVersion = ">= 1.16.0"
    EnvoyVersion = ">= 1.26.0"
  }
]
Destination = {
  Addresses = [
    "10.0.0.1",
    "10.0.0.2"
  ]
  Port = 0
}
MaxInboundConnections = 0
LocalConnectTimeoutMs = 5000
LocalRequestTimeoutMs = "15s"
MeshGateway = {
  Mode = "local"
}
ExternalSNI = "web.example.com"
Expose = {
  Checks = false
  Paths = [
    {
      Path          = "/metrics"
      LocalPathPort = 0
      LocalListenerPort = 0
      Protocol      = "http"
    }
  ]
}
