# The unnamed default subset fails over to the backup subset of the same service.
Kind = "service-resolver"
Name = "web"
Subsets = {
  backup = {
    Filter = "Service.Meta.version == backup"
  }
}
Failover = {
  "*" = {
    ServiceSubset = "backup"
  }
}
