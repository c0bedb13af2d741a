# Consul upper-cases methods before checking them, so "post" repeats "POST".
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/orders"
        Methods    = ["POST", "post"]
      }
    }
    Destination {
      Service = "orders"
    }
  },
]
