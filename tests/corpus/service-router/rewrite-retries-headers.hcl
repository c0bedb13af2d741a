# Version-prefixed API paths go to the api service with the prefix stripped, retries on
# reset and 503, a 10s budget, and headers changed both ways. gRPC-style paths match by regex.
Kind      = "service-router"
Name      = "frontend"
Namespace = "shop"
Meta = {
  owner = "platform"
}
Routes = [
  {
    Match {
      HTTP {
        PathPrefix      = "/api/v2/"
        CaseInsensitive = true
      }
    }
    Destination {
      Service               = "api"
      ServiceSubset         = "v2"
      Namespace             = "backend"
      PrefixRewrite         = "/"
      RequestTimeout        = "10s"
      IdleTimeout           = "2m"
      NumRetries            = 3
      RetryOnConnectFailure = true
      RetryOn               = ["reset", "unavailable"]
      RetryOnStatusCodes    = [503]
      RequestHeaders {
        Set = {
          "x-api-version" = "2"
        }
        Add = {
          "x-forwarded-client" = "%DOWNSTREAM_REMOTE_ADDRESS%"
        }
      }
      ResponseHeaders {
        Remove = ["x-powered-by"]
      }
    }
  },
  {
    Match {
      HTTP {
        PathRegex = "/shop\\.v[0-9]+\\.Cart/.*"
        Header = [
          {
            Name   = "content-type"
            Prefix = "application/grpc"
          },
        ]
      }
    }
    Destination {
      Service = "cart"
    }
  },
]
