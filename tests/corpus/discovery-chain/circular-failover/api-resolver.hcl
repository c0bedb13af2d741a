Kind = "service-resolver"
Name = "api"
Failover = {
  "*" = {
    Service = "web"
  }
}
