# The gateways this datacenter runs, and dc2's mesh gateway.
service {
  name    = "mesh-gateway"
  kind    = "mesh-gateway"
  address = "127.0.0.1"
  port    = 8443
}

service {
  name       = "mesh-gateway"
  kind       = "mesh-gateway"
  datacenter = "dc2"
  address    = "127.0.0.2"
  port       = 8443
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
