Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 50
    Service = "web-v2"
  },
  {
    Weight = 50
  },
]
