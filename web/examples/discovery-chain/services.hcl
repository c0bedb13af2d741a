service {
  name = "frontend"
  port = 3000
  connect {
    sidecar_service {
      port = 21000
      proxy {
        upstreams = [{ destination_name = "web", local_bind_port = 8080 }]
      }
    }
  }
}
