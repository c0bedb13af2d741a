# web's sidecar calls api (which fails over through the group, DefaultForFailover) and billing
# (its resolver names the group). api is exported to the group.
services = [
  { name = "mesh-gateway", kind = "mesh-gateway", address = "10.0.1.1", port = 8443 },
  { name = "mesh-gateway", kind = "mesh-gateway", datacenter = "dc2", address = "10.0.2.1", port = 8443 },
  { name = "mesh-gateway-ap2", kind = "mesh-gateway", partition = "ap2", address = "10.0.3.1", port = 8443 },
  {
    name    = "web"
    address = "10.0.0.10"
    port    = 8080
    connect {
      sidecar_service {
        port = 21000
        proxy {
          upstreams = [
            { destination_name = "api", local_bind_port = 9191, mesh_gateway { mode = "local" } },
            { destination_name = "billing", local_bind_port = 9292, mesh_gateway { mode = "local" } },
          ]
        }
      }
    }
  },
  {
    name    = "api"
    address = "10.0.0.11"
    port    = 8080
    connect {
      sidecar_service {
        port = 21000
      }
    }
  },
  {
    name    = "billing"
    address = "10.0.0.12"
    port    = 8080
    connect {
      sidecar_service {
        port = 21000
      }
    }
  },
  {
    name      = "api"
    partition = "ap2"
    address   = "10.0.3.11"
    port      = 8080
    connect {
      sidecar_service {
        port = 21000
      }
    }
  },
]
