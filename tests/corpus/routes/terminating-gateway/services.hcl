# A terminating gateway and the two external services it links, registered with their own
# addresses (as Consul's external services are), and a mesh client.
services = [
  {
    name    = "terminating-gateway"
    kind    = "terminating-gateway"
    address = "10.0.0.20"
    port    = 8443
  },
  {
    name    = "billing-api"
    address = "billing.example.com"
    port    = 443
  },
  {
    name    = "legacy-db"
    address = "10.20.0.7"
    port    = 5432
  },
  {
    name = "web"
    port = 8080
    connect {
      sidecar_service {
        port = 21000
        proxy {
          upstreams = [
            {
              destination_name = "billing-api"
              local_bind_port  = 9191
            },
            {
              destination_name = "legacy-db"
              local_bind_port  = 5432
            },
          ]
        }
      }
    }
  },
]
