# An ingress gateway and the services behind it; every service speaks http (proxy-defaults)
# except db.
services = [
  {
    name    = "ingress-gateway"
    kind    = "ingress-gateway"
    address = "10.0.0.30"
    port    = 8443
  },
  { name = "web", port = 8080, connect = { sidecar_service = { port = 21000 } } },
  { name = "api", port = 9090, connect = { sidecar_service = { port = 21001 } } },
  { name = "docs", port = 8000, connect = { native = true } },
  { name = "status", port = 8001, connect = { native = true } },
  { name = "db", port = 5432 },
  {
    name    = "db-sidecar-proxy"
    kind    = "connect-proxy"
    address = "10.0.0.35"
    port    = 21000
    proxy   = { destination_service_name = "db" }
  },
]
