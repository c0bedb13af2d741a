# One route cannot match the path two ways: write two routes instead.
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathExact  = "/login"
        PathPrefix = "/account"
      }
    }
    Destination {
      Service = "auth"
    }
  },
]
