# Consul refuses failover for a service outside the mesh.
Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Service = "web-backup"
  }
}
