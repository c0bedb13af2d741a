Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight = 50
  },
  {
    Weight  = 50
    Service = "api"
  },
]
