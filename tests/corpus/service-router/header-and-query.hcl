# Debug traffic (by header or query parameter) goes to the canary subset; everything else
# falls through to web's default subset.
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        Header = [
          {
            Name  = "x-debug"
            Exact = "1"
          },
        ]
      }
    }
    Destination {
      Service       = "web"
      ServiceSubset = "canary"
    }
  },
  {
    Match {
      HTTP {
        QueryParam = [
          {
            Name    = "debug"
            Present = true
          },
        ]
        Methods = ["GET", "HEAD"]
      }
    }
    Destination {
      ServiceSubset = "canary"
    }
  },
]
