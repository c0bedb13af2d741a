# Level 1 (highest): each upstream's own mesh_gateway block.
service {
  name = "web"
  port = 8080
  connect {
    sidecar_service {
      port = 21002
      proxy {
        upstreams = [
          {
            destination_name = "db"
            datacenter       = "secondary"
            local_bind_port  = 10001
            mesh_gateway {
              mode = "none"
            }
          },
          {
            # no mode here: service-defaults for web decides (its override for cache)
            destination_name = "cache"
            datacenter       = "secondary"
            local_bind_port  = 10002
          },
          {
            # no mode here, no override: service-defaults' own MeshGateway decides
            destination_name = "search"
            datacenter       = "secondary"
            local_bind_port  = 10003
          },
        ]
      }
    }
  }
}
