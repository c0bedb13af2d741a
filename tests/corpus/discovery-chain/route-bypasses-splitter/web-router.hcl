# A route naming a subset goes straight to the resolver, skipping other's splitter.
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/other"
      }
    }
    Destination {
      Service       = "other"
      ServiceSubset = "bypass"
    }
  },
]
