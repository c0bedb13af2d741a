Kind = "service-resolver"
Name = "web"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == 1"
  }
}
Failover = {
  "*" = {
    Datacenters = ["dc2"]
  }
}
