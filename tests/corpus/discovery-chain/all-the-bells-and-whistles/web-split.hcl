Kind = "service-splitter"
Name = "web-split"
Splits = [
  {
    Weight        = 60
    Service       = "web"
    ServiceSubset = "v1"
  },
  {
    Weight        = 30
    Service       = "web"
    ServiceSubset = "v2"
  },
  {
    Weight  = 10
    Service = "web-canary"
  },
]
