# Mesh gateways of two admin partitions of dc1 and of dc2, and a service in each partition.
services = [
  {
    name    = "mesh-gateway"
    kind    = "mesh-gateway"
    address = "10.0.1.10"
    port    = 8443
  },
  {
    name      = "mesh-gateway-finance"
    kind      = "mesh-gateway"
    partition = "finance"
    address   = "10.0.1.20"
    port      = 8443
  },
  {
    name       = "mesh-gateway-dc2"
    kind       = "mesh-gateway"
    datacenter = "dc2"
    address    = "10.0.2.10"
    port       = 8443
  },
  {
    name = "web"
    port = 8080
    connect = { sidecar_service = { port = 21000 } }
  },
  {
    name      = "ledger"
    namespace = "accounting"
    partition = "finance"
    port      = 7000
    connect   = { sidecar_service = { port = 21001 } }
  },
]
