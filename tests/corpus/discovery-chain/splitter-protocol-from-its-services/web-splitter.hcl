# `web` has no protocol of its own (no service-defaults, no proxy-defaults: tcp), but Consul's
# discovery chain compiler takes a chain's protocol from the services it resolves, and this
# splitter never resolves `web` itself: both legs speak http, so the chain is http and Consul
# accepts the splitter.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 90
    Service = "web-v1"
  },
  {
    Weight  = 10
    Service = "web-v2"
  },
]
