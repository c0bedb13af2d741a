Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 10
    Service = "web"
  },
  {
    Weight        = "ninety"
    Service       = "web"
    ServiceSubset = "v2"
  },
]
