Kind = "service-resolver"
Name = "billing"
Failover = {
  "*" = {
    Datacenters = ["dc2"]
  }
}
