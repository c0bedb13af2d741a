# A canary across datacenters: two virtual services redirect to web in dc2 and dc3.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 60
    Service = "web-dc2"
  },
  {
    Weight  = 40
    Service = "web-dc3"
  },
]
