Kind = "service-splitter"
Name = "api"
Splits = [
  {
    Weight  = 100
    Service = "web"
  },
]
