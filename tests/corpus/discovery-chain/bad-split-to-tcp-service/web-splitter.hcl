Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 10
    Service = "legacy"
  },
  {
    Weight = 90
  },
]
