# The gateways dc1 runs (dc2's mesh gateway is in dc2.json).
service {
  name    = "mesh-gateway"
  kind    = "mesh-gateway"
  address = "127.0.0.1"
  port    = 8443
}

service {
  name    = "ingress"
  kind    = "ingress-gateway"
  address = "127.0.0.1"
  port    = 8080
}

service {
  name    = "egress"
  kind    = "terminating-gateway"
  address = "127.0.0.1"
  port    = 9443
}
