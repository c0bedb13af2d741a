Kind = "service-router"
Name = "web"
Routes = [
  {
    Match { HTTP { PathPrefix = "/api/" } }
    Destination {
      Service = "api"
      PrefixRewrite = "/v2/"
      RequestTimeout = "5s"
      NumRetries = 3
      RetryOnConnectFailure = true
      RetryOnStatusCodes = [503]
      RequestHeaders { Set { x-route = "api" } }
    }
  },
]
