Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        Header = [
          {
            Name    = "x-debug"
            Present = true
          },
        ]
      }
    }
    Destination {
      Service        = "web-debug"
      RequestTimeout = "30s"
      NumRetries     = 3
      RetryOnStatusCodes = [503]
    }
  },
  {
    Match {
      HTTP {
        PathPrefix = "/api/"
        Methods    = ["GET", "POST"]
      }
    }
    Destination {
      Service       = "api"
      PrefixRewrite = "/"
      RequestHeaders {
        Add = {
          "x-routed-by" = "web-router"
        }
      }
    }
  },
]
