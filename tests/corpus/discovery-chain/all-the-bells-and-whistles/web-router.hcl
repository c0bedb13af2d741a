Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/redirect"
      }
    }
    Destination {
      Service = "redirected"
    }
  },
  {
    Match {
      HTTP {
        PathPrefix = "/v1"
      }
    }
    Destination {
      ServiceSubset = "v1"
    }
  },
  {
    Match {
      HTTP {
        PathPrefix = "/split"
      }
    }
    Destination {
      Service = "web-split"
    }
  },
]
