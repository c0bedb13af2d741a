# web fails over to api and api to web: failover is one level deep, so this is no cycle.
Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Service = "api"
  }
}
