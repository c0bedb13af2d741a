# One mesh gateway per datacenter, so the Upstreams view can say which address is dialled.
# (`datacenter` on a service definition is meshgate's addition: one workspace, several DCs.)
service {
  name    = "mesh-gateway"
  kind    = "mesh-gateway"
  address = "10.0.1.10"
  port    = 8443
}
service {
  name       = "mesh-gateway"
  kind       = "mesh-gateway"
  datacenter = "secondary"
  address    = "10.1.1.10"
  port       = 8443
}
