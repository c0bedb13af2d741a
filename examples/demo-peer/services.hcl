# The partner's ledger, behind its sidecar, and the mesh gateway peers reach it through.
service {
  name    = "ledger"
  address = "127.0.0.1"
  port    = 9008
  connect {
    sidecar_service {
      port = 21006
    }
  }
}

service {
  name    = "mesh-gateway"
  kind    = "mesh-gateway"
  address = "127.0.0.1"
  port    = 8445
}

