services = [
  { name = "gateway", kind = "api-gateway", address = "10.0.0.70", port = 8443 },
  { name = "app", port = 3000 },
  { name = "redis", port = 6379 },
  { name = "memcached", port = 11211 },
]
