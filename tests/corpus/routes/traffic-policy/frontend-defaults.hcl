Kind = "service-defaults"
Name = "frontend"
UpstreamConfig {
  Defaults { Limits { MaxConnections = 50 }, PassiveHealthCheck { Interval = "5s", MaxFailures = 4 } }
  Overrides = [
    { Name = "api", ConnectTimeoutMs = 750, Limits { MaxPendingRequests = 8, MaxConcurrentRequests = 16 } },
  ]
}
