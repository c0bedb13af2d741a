# An ingress gateway and the services behind it; every service speaks http (proxy-defaults)
# except db.
services = [
  {
    name    = "ingress-gateway"
    kind    = "ingress-gateway"
    address = "10.0.0.30"
    port    = 8443
  },
  { name = "web", port = 8080 },
  { name = "api", port = 9090 },
  { name = "docs", port = 8000 },
  { name = "status", port = 8001 },
  { name = "db", port = 5432 },
]
