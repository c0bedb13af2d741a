Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Service = "backup"
  }
}
