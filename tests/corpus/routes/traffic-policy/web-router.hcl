Kind = "service-router"
Name = "web"
Routes = [
  {
    Match { HTTP { PathPrefix = "/api/" } }
    Destination {
      Service = "api"
      PrefixRewrite = "/"
      RequestTimeout = "2s"
      IdleTimeout = "30s"
      NumRetries = 2
      RetryOn = ["reset"]
      RetryOnConnectFailure = true
      RetryOnStatusCodes = [503]
    }
  },
]
