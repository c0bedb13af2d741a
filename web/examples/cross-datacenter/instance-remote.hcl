service {
  name = "web-sidecar-proxy"
  kind = "connect-proxy"
  port = 8181
  proxy {
    destination_service_name = "web"
    mesh_gateway {
      mode = "remote"
    }
    upstreams = [
      {
        destination_name = "api"
        datacenter = "secondary"
        local_bind_port = 10000
      }
    ]
  }
}
# Or alternatively inline with the service definition:
service {
  name = "web"
  port = 8181
  connect {
    sidecar_service {
      proxy {
        mesh_gateway {
          mode = "remote"
        }
        upstreams = [
          {
            destination_name = "api"
            datacenter = "secondary"
            local_bind_port = 10000
          }
        ]
      }
    }
  }
}
