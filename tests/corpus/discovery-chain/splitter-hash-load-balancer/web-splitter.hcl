# The first hash-based load balancer among the legs' resolvers is attached to the splitter.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 50
    Service = "web-blue"
  },
  {
    Weight  = 50
    Service = "web-green"
  },
]
