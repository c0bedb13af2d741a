# dc1's workloads. Each is reached only through its Connect sidecar: the application listens on
# 127.0.0.1 at the registered port, and only its sidecar (at the sidecar_service port) dials it.

# web calls api (local), billing in dc2 (through both mesh gateways; billing's intentions deny
# web) and the partner's ledger over cluster peering.
service {
  name    = "web"
  address = "127.0.0.1"
  port    = 9001
  connect {
    sidecar_service {
      port = 21000
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

# api runs two versions: the resolver's subsets pick them by Meta.version (stable = v1, canary =
# v2). Each calls billing twice over: in dc1 (failing over to dc2, see billing-resolver.yaml)
# and in dc2.
service {
  id      = "api-v1"
  name    = "api"
  address = "127.0.0.1"
  port    = 9002
  meta    = { version = "v1" }
  connect {
    sidecar_service {
      port = 21001
      proxy {
        upstreams = [
          { destination_name = "billing", local_bind_port = 10100 },
          { destination_name = "billing", datacenter = "dc2", local_bind_port = 10101 },
        ]
      }
    }
  }
}

service {
  id      = "api-v2"
  name    = "api"
  address = "127.0.0.1"
  port    = 9005
  meta    = { version = "v2" }
  connect {
    sidecar_service {
      port = 21003
      proxy {
        upstreams = [
          { destination_name = "billing", local_bind_port = 10200 },
          { destination_name = "billing", datacenter = "dc2", local_bind_port = 10201 },
        ]
      }
    }
  }
}

# admin's proxy is registered on its own (kind = "connect-proxy"), the other way Consul allows.
service {
  name    = "admin"
  address = "127.0.0.1"
  port    = 9003
}

service {
  name    = "admin-sidecar-proxy"
  kind    = "connect-proxy"
  address = "127.0.0.1"
  port    = 21002
  proxy {
    destination_service_name = "admin"
  }
}

# billing's dc1 instance (dc2 has the other: dc2.json).
service {
  name    = "billing"
  address = "127.0.0.1"
  port    = 9006
  connect {
    sidecar_service {
      port = 21004
    }
  }
}

# An external service the terminating gateway fronts (no sidecar: egress presents its identity).
service {
  name    = "payments-legacy"
  address = "127.0.0.1"
  port    = 9004
}
