# No protocol is set anywhere, so web speaks tcp.
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
