Kind           = "service-resolver"
Name           = "web"
DefaultSubset  = "v1"
ConnectTimeout = "7s"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == 1"
  }
  v2 = {
    Filter = "Service.Meta.version == 2"
  }
}
Failover = {
  "*" = {
    Datacenters = ["dc2"]
  }
}
