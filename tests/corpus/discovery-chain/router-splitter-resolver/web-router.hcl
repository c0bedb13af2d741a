# router -> splitter -> resolver: /admin goes to the admin service; the rest is a canary split.
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/admin"
      }
    }
    Destination {
      Service = "admin"
    }
  },
]
