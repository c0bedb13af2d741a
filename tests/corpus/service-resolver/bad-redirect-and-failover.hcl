# A redirect replaces the whole resolver, so failover belongs to the redirect's target.
Kind = "service-resolver"
Name = "web"
Redirect {
  Service = "web-v2"
}
Failover = {
  "*" = {
    Datacenters = ["dc2"]
  }
}
