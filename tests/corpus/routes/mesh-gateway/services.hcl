# Mesh gateways in three datacenters (two instances in dc2), and the services of dc1 and dc2.
services = [
  {
    id      = "mesh-gateway-dc1"
    name    = "mesh-gateway"
    kind    = "mesh-gateway"
    address = "10.0.1.10"
    port    = 8443
  },
  {
    id         = "mesh-gateway-dc2-a"
    name       = "mesh-gateway"
    kind       = "mesh-gateway"
    datacenter = "dc2"
    address    = "10.0.2.10"
    port       = 8443
  },
  {
    id         = "mesh-gateway-dc2-b"
    name       = "mesh-gateway"
    kind       = "mesh-gateway"
    datacenter = "dc2"
    address    = "10.0.2.11"
    port       = 8443
  },
  {
    id         = "mesh-gateway-dc3"
    name       = "mesh-gateway"
    kind       = "mesh-gateway"
    datacenter = "dc3"
    address    = "10.0.3.10"
    port       = 8443
  },
  {
    name = "web"
    port = 8080
    connect {
      sidecar_service { port = 21000 }
    }
  },
  {
    name = "api"
    port = 9090
    connect {
      sidecar_service { port = 21001 }
    }
  },
  {
    name = "payments"
    port = 7070
    connect {
      sidecar_service { port = 21002 }
    }
  },
  {
    name       = "billing"
    datacenter = "dc2"
    port       = 6060
    connect {
      sidecar_service { port = 21003 }
    }
  },
]
