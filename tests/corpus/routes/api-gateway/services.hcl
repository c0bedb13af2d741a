# An API gateway and the services its routes send to (all http, proxy-defaults, but postgres, which has no Connect endpoint).
services = [
  {
    name    = "api-gateway"
    kind    = "api-gateway"
    address = "10.0.0.40"
    port    = 8443
  },
  { name = "frontend", port = 3000, connect = { sidecar_service = { port = 21000 } } },
  { name = "catalog", port = 8080, connect = { native = true } },
  { name = "catalog-v2", port = 8081, connect = { sidecar_service = { port = 21001 } } },
  { name = "checkout", port = 8082, connect = { sidecar_service = { port = 21002 } } },
  { name = "postgres", port = 5432 },
]
