# An API gateway whose listeners require JWTs: `open` by default, `locked` by override.
services = [
  { name = "api-gw", kind = "api-gateway", address = "10.0.0.50", port = 8443 },
  { name = "web", port = 8080, connect = { native = true } },
  { name = "admin", port = 8081, connect = { native = true } },
]
