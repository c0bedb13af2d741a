# A drained leg: weight 0 stays in the chain (its target too) and gets no traffic.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight = 100
  },
  {
    Weight  = 0
    Service = "web-old"
  },
]
