Kind = "service-splitter"
Name = "other"
Splits = [
  {
    Weight  = 100
    Service = "ignored"
  },
]
