# v1 has its own failover; v2 (like any other subset) uses `*`.
Kind = "service-resolver"
Name = "web"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == 1"
  }
  v2 = {
    Filter = "Service.Meta.version == 2"
  }
}
Failover = {
  v1 = {
    ServiceSubset = "v2"
  }
  "*" = {
    Datacenters = ["dc2"]
  }
}
