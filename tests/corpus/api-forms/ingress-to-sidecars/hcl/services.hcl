# The registrations the API responses in ../api/ describe, written as definitions.
services = [
  {
    id         = "ingress-1"
    name       = "ingress"
    kind       = "ingress-gateway"
    address    = "10.1.0.5"
    port       = 8443
    datacenter = "dc1"
    weights { passing = 1, warning = 1 }
  },
  {
    id         = "api-1"
    name       = "api"
    tags       = ["blue"]
    meta       = { version = "v1" }
    address    = "10.1.0.7"
    port       = 9000
    datacenter = "dc1"
    weights { passing = 1, warning = 1 }
  },
  {
    id         = "api-2"
    name       = "api"
    meta       = { version = "v2" }
    address    = "10.1.0.8"
    port       = 9000
    datacenter = "dc1"
    weights { passing = 1, warning = 1 }
  },
  {
    id         = "api-1-sidecar-proxy"
    name       = "api-sidecar-proxy"
    kind       = "connect-proxy"
    meta       = { version = "v1" }
    address    = "10.1.0.7"
    port       = 21000
    datacenter = "dc1"
    weights { passing = 1, warning = 1 }
    proxy {
      destination_service_name = "api"
      destination_service_id   = "api-1"
      local_service_address    = "127.0.0.1"
      local_service_port       = 9000
    }
  },
  {
    id         = "api-2-sidecar-proxy"
    name       = "api-sidecar-proxy"
    kind       = "connect-proxy"
    meta       = { version = "v2" }
    address    = "10.1.0.8"
    port       = 21000
    datacenter = "dc1"
    weights { passing = 1, warning = 1 }
    proxy {
      destination_service_name = "api"
      destination_service_id   = "api-2"
      local_service_address    = "127.0.0.1"
      local_service_port       = 9000
    }
  },
  {
    id         = "web"
    name       = "web"
    address    = "10.1.0.9"
    port       = 8080
    datacenter = "dc1"
    weights { passing = 1, warning = 1 }
  },
  {
    id         = "web-sidecar-proxy"
    name       = "web-sidecar-proxy"
    kind       = "connect-proxy"
    address    = "10.1.0.9"
    port       = 21000
    datacenter = "dc1"
    weights { passing = 1, warning = 1 }
    proxy {
      destination_service_name = "web"
      destination_service_id   = "web"
      local_service_address    = "127.0.0.1"
      local_service_port       = 8080
      upstreams = [
        { destination_type = "service", destination_name = "api", local_bind_port = 9191 }
      ]
    }
  },
]
