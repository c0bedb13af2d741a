Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/api"
      }
    }
    Destination {
      Service       = "api"
      ServiceSubset = "v3"
    }
  },
]
