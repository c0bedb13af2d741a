Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 50
    Service = "api"
  },
  {
    Weight = 50
  },
]
