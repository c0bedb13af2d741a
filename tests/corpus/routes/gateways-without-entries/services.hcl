# Gateways registered without the config entries that would give them routes, and a mesh
# gateway registered without an address or port.
services = [
  { name = "edge", kind = "ingress-gateway", address = "10.0.0.50", port = 8443 },
  { name = "egress", kind = "terminating-gateway", address = "10.0.0.51", port = 8443 },
  { name = "public", kind = "api-gateway", address = "10.0.0.52", port = 8443 },
  { name = "mesh-gateway", kind = "mesh-gateway" },
]
