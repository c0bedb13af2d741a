# The chain's protocol is http, taken from `web-v2` (the first service the splitter resolves);
# the second leg resolves `web` itself, which speaks tcp: Consul refuses the splitter ("uses
# inconsistent protocols").
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 90
    Service = "web-v2"
  },
  {
    Weight = 10
  },
]
