# An API gateway and the services its routes send to; all http (proxy-defaults) except postgres.
services = [
  {
    name    = "api-gateway"
    kind    = "api-gateway"
    address = "10.0.0.40"
    port    = 8443
  },
  { name = "frontend", port = 3000 },
  { name = "catalog", port = 8080 },
  { name = "catalog-v2", port = 8081 },
  { name = "checkout", port = 8082 },
  { name = "postgres", port = 5432 },
]
