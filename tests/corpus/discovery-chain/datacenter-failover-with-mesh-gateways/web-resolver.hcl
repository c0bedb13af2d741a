# Every target, the failover ones included, is dialled through the remote mesh gateway.
Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Datacenters = ["dc2", "dc4"]
  }
}
