# Request and response filters on a rule and on one service: header changes, a path rewrite,
# retries and timeouts.
Kind      = "http-route"
Name      = "api"
Namespace = "default"
Meta = {
  owner = "api-team"
}

Parents = [
  {
    Kind = "api-gateway"
    Name = "public"
  }
]

Rules = [
  {
    Matches = [
      {
        Path = {
          Match = "prefix"
          Value = "/v1/"
        }
      }
    ]
    Filters = {
      Headers = [
        {
          Add    = { "x-forwarded-by" = "public-gateway" }
          Set    = { "x-api-version" = "1" }
          Remove = ["cookie"]
        }
      ]
      URLRewrite = {
        Path = "/"
      }
      RetryFilter = {
        NumRetries            = 3
        RetryOn               = ["5xx", "reset", "connect-failure"]
        RetryOnStatusCodes    = [429, 503]
        RetryOnConnectFailure = true
      }
      TimeoutFilter = {
        RequestTimeout = "15s"
        IdleTimeout    = "1m"
      }
    }
    ResponseFilters = {
      Headers = [
        {
          Remove = ["server", "x-powered-by"]
        }
      ]
    }
    Services = [
      {
        Name = "api"
        Filters = {
          Headers = [
            {
              Set = { "x-backend" = "api" }
            }
          ]
        }
        ResponseFilters = {
          Headers = [
            {
              Add = { "cache-control" = "no-store" }
            }
          ]
        }
      }
    ]
  }
]
