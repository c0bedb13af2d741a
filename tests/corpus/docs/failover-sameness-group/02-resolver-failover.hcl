# "Failover with a service resolver configuration entry": v1 fails over through the group, v2 to
# another service.
Kind          = "service-resolver"
Name          = "db"
DefaultSubset = "v1"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == v1"
  }
  v2 = {
    Filter = "Service.Meta.version == v2"
  }
}
Failover {
  v1 = {
    SamenessGroup = "product-group"
  }
  v2 = {
    Service = "canary-db"
  }
}
