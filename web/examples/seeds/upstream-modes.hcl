service {
  name = "web-sidecar-proxy"
  kind = "connect-proxy"
  port = 8181
  proxy {
    destination_service_name = "web"
    upstreams = [
      {
        destination_name = "api"
        destination_peer = "cluster-01"
        local_bind_port = 10000
        mesh_gateway {
          mode = "remote"
        }
      },
      {
        destination_name = "db"
        datacenter = "secondary"
        local_bind_port = 10001
        mesh_gateway {
          mode = "local"
        }
      },
      {
        destination_name = "logging"
        datacenter = "secondary"
        local_bind_port = 10002
        mesh_gateway {
          mode = "none"
        }
      },
    ]
  }
}
