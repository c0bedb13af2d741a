Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefx = "/admin"
      }
    }
    Destination {
      Service = "admin"
    }
  },
]
