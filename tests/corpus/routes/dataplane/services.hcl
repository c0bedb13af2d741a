# A Connect data plane in dc1 (and a little of dc2): gateways and the sidecars they dial.
# web's sidecar calls api (split across two subsets: v1 behind a sidecar, v2 Connect-native),
# billing (failing over to dc2, through the local mesh gateway) and a partner's ledger over
# peering. reports has no Connect endpoint.
services = [
  { name = "ingress-gateway", kind = "ingress-gateway", address = "10.0.0.30", port = 8443 },
  { name = "mesh-gateway", kind = "mesh-gateway", address = "10.0.1.1", port = 8443 },
  { name = "mesh-gateway", kind = "mesh-gateway", datacenter = "dc2", address = "10.0.2.1", port = 8443 },
  {
    name    = "web"
    address = "10.0.0.10"
    port    = 8080
    connect {
      sidecar_service {
        port = 21000
        proxy {
          upstreams = [
            { destination_name = "api", local_bind_port = 9191 },
            { destination_name = "billing", local_bind_port = 9292, mesh_gateway { mode = "local" } },
            { destination_name = "ledger", destination_peer = "partner", local_bind_port = 9393 },
          ]
        }
      }
    }
  },
  {
    id      = "api-v1"
    name    = "api"
    address = "10.0.0.11"
    port    = 8080
    meta    = { version = "v1" }
    connect {
      sidecar_service {
        port = 21000
      }
    }
  },
  {
    id      = "api-v2"
    name    = "api"
    address = "10.0.0.12"
    port    = 8443
    meta    = { version = "v2" }
    connect {
      native = true
    }
  },
  {
    name    = "billing"
    address = "10.0.0.13"
    port    = 8443
    connect {
      native = true
    }
  },
  {
    name       = "billing"
    datacenter = "dc2"
    address    = "10.0.2.13"
    port       = 8080
    connect {
      sidecar_service {
        port = 21000
      }
    }
  },
  { name = "reports", address = "10.0.0.14", port = 8080 },
]
