Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight = 50
    # no Service: the entry's own (web)
  },
  {
    Weight  = 50
    Service = "web-rewrite"
  },
]
