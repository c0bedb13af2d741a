service {
  name    = "legacy-gateway"
  kind    = "terminating-gateway"
  address = "10.0.0.20"
  port    = 8443
}
# The external services, registered with their own addresses: the gateway forwards to these.
service {
  name    = "legacy-billing"
  address = "billing.legacy.example.com"
  port    = 443
}
service {
  name    = "payments-api"
  address = "10.30.0.12"
  port    = 8080
}
service {
  name = "web"
  port = 8080
  connect {
    sidecar_service {
      port = 21001
      proxy {
        upstreams = [
          { destination_name = "legacy-billing", local_bind_port = 9000 },
          { destination_name = "payments-api", local_bind_port = 9001 },
        ]
      }
    }
  }
}
