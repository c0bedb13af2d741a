Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Datacenters = ["dc2", "dc3"]
  }
}
