# Workloads with sidecars. web calls api (local), billing (in dc2, through the local mesh
# gateway) and a partner's ledger over cluster peering.
service {
  name    = "web"
  address = "127.0.0.1"
  port    = 9001
  connect {
    sidecar_service {
      proxy {
        upstreams = [
          { destination_name = "api", local_bind_port = 10000 },
          { destination_name = "billing", datacenter = "dc2", local_bind_port = 10001 },
          { destination_name = "ledger", destination_peer = "partner", local_bind_port = 10002 },
        ]
      }
    }
  }
}

# api runs two versions: the resolver's subsets pick them by Meta.version (stable = v1, canary = v2).
service {
  id      = "api-v1"
  name    = "api"
  address = "127.0.0.1"
  port    = 9002
  meta    = { version = "v1" }
}

service {
  id      = "api-v2"
  name    = "api"
  address = "127.0.0.1"
  port    = 9005
  meta    = { version = "v2" }
}

service {
  name    = "admin"
  address = "127.0.0.1"
  port    = 9003
}

# An external service the terminating gateway fronts.
service {
  name    = "payments-legacy"
  address = "127.0.0.1"
  port    = 9004
}
