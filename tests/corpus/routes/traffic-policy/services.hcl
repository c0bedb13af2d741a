services = [
  { name = "ingress", kind = "ingress-gateway", address = "10.0.0.30", port = 8443 },
  { name = "web", address = "10.0.0.10", port = 8080, connect { native = true } },
  { name = "api", id = "api-1", address = "10.0.0.11", port = 9001, connect { native = true } },
  {
    name = "frontend"
    address = "10.0.0.20"
    port = 3000
    connect {
      sidecar_service {
        port = 21000
        proxy {
          upstreams = [
            { destination_name = "api", local_bind_port = 9191 },
            { destination_name = "web", local_bind_port = 9192 },
          ]
        }
      }
    }
  },
]
