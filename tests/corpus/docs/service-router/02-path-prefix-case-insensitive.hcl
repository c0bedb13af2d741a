Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix      = "/Admin"
        CaseInsensitive = true
      }
    }

    Destination {
      Service = "admin"
    }
  },
]
