Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/db"
      }
    }
    Destination {
      Service = "db"
    }
  },
]
