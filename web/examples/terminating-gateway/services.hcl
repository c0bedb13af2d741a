service {
  name = "legacy-gateway"
  kind = "terminating-gateway"
  port = 8443
}
service {
  name = "web"
  port = 8080
  connect {
    sidecar_service {
      proxy {
        upstreams = [
          { destination_name = "legacy-billing", local_bind_port = 9000 },
          { destination_name = "payments-api", local_bind_port = 9001 },
        ]
      }
    }
  }
}
