# Requests to `web`, tried in order; Consul appends a catch-all route to `web` itself.
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/admin"
      }
    }
    Destination {
      Service       = "admin"
      PrefixRewrite = "/"
    }
  },
  {
    Match {
      HTTP {
        PathPrefix = "/api"
        Header = [
          { Name = "x-canary", Exact = "1" },
        ]
      }
    }
    Destination {
      Service       = "api"
      ServiceSubset = "canary"
    }
  },
  {
    Match {
      HTTP {
        PathPrefix = "/api"
      }
    }
    Destination {
      Service               = "api"
      RequestTimeout        = "10s"
      NumRetries            = 2
      RetryOnConnectFailure = true
    }
  },
]
