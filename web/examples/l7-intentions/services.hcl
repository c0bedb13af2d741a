service {
  name = "frontend"
  port = 3000
  connect {
    sidecar_service {
      port = 21001
      proxy {
        upstreams = [{ destination_name = "web", local_bind_port = 8080 }]
      }
    }
  }
}
service {
  name = "web"
  port = 8080
  connect {
    sidecar_service {
      port = 21002
      proxy {
        upstreams = [{ destination_name = "billing", local_bind_port = 9000 }]
      }
    }
  }
}
service {
  name = "billing"
  port = 9000
}
