# A header matcher has a Name and exactly one way to match.
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        Header = [
          {
            Exact = "1"
          },
          {
            Name   = "x-canary"
            Exact  = "true"
            Prefix = "t"
          },
        ]
      }
    }
    Destination {
      ServiceSubset = "canary"
    }
  },
]
