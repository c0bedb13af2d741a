services = [
  { name = "gateway", kind = "api-gateway", address = "10.0.0.70", port = 8443 },
  { name = "app", port = 3000, connect = { sidecar_service = { port = 21000 } } },
  { name = "redis", port = 6379, connect = { native = true } },
  { name = "memcached", port = 11211 },
  {
    name = "memcached-sidecar-proxy"
    kind = "connect-proxy"
    port = 21001
    proxy = { destination_service_name = "memcached" }
  },
]
