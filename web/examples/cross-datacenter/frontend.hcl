# A third datacenter and a peer: every way out of dc1.
service {
  name = "frontend"
  port = 3000
  connect {
    sidecar_service {
      port = 21001
      proxy {
        mesh_gateway {
          mode = "local"
        }
        upstreams = [
          { destination_name = "api", datacenter = "secondary", local_bind_port = 12000 },
          { destination_name = "reports", datacenter = "third", local_bind_port = 12001, mesh_gateway { mode = "remote" } },
          { destination_name = "catalog", destination_peer = "cluster-01", local_bind_port = 12002 },
          { destination_name = "web", local_bind_port = 12003 },
        ]
      }
    }
  }
}
