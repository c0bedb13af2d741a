services = [
  { name = "ingress", kind = "ingress-gateway", address = "10.0.0.30", port = 8443 },
  { name = "web", address = "10.0.0.10", port = 8080, connect { native = true } },
  { name = "api", id = "api-1", address = "10.0.0.11", port = 9001, connect { native = true } },
]
