# Each `billing` instance takes 1000 requests per second (bursts to 1500), `/admin` only 20;
# a strict, transparent-mode HTTP service with local timeouts and an inbound connection cap.
Kind                      = "service-defaults"
Name                      = "billing"
Protocol                  = "http"
Mode                      = "transparent"
MutualTLSMode             = "strict"
BalanceInboundConnections = "exact_balance"
MaxInboundConnections     = 1024
LocalConnectTimeoutMs     = 2000
LocalRequestTimeoutMs     = 15000
ExternalSNI               = "billing.example.com"

TransparentProxy {
  OutboundListenerPort = 15001
  DialedDirectly       = true
}

RateLimits {
  InstanceLevel {
    RequestsPerSecond = 1000
    RequestsMaxBurst  = 1500

    Routes = [
      {
        PathPrefix        = "/admin"
        RequestsPerSecond = 20
      },
      {
        PathRegex         = "/api/v[0-9]+/export"
        RequestsPerSecond = 5
        RequestsMaxBurst  = 10
      }
    ]
  }
}

Expose {
  Checks = true
  Paths = [
    {
      Path          = "/metrics"
      LocalPathPort = 9102
      ListenerPort  = 21500
      Protocol      = "http"
    }
  ]
}

EnvoyExtensions = [
  {
    Name     = "builtin/lua"
    Required = true
    Arguments = {
      ProxyType = "connect-proxy"
      Listener  = "inbound"
      Script    = "function envoy_on_request(request_handle) end"
    }
  }
]
