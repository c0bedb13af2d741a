# An ingress gateway in dc2: its discovery chains are evaluated there, so every target is in dc2.
services = [
  {
    name       = "ingress-dc2"
    kind       = "ingress-gateway"
    datacenter = "dc2"
    address    = "10.0.2.30"
    port       = 8443
  },
  { name = "web", datacenter = "dc2", port = 8080, connect = { sidecar_service = { port = 21000 } } },
  { name = "web-debug", datacenter = "dc2", port = 8081, connect = { sidecar_service = { port = 21001 } } },
  { name = "api", datacenter = "dc2", port = 9090, connect = { sidecar_service = { port = 21002 } } },
  { name = "search", datacenter = "dc2", port = 50051, connect = { native = true } },
]
