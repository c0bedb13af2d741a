# Each target takes its own service's mode: web's service-defaults, else proxy-defaults.
Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Service     = "api"
    Datacenters = ["dc2"]
  }
}
