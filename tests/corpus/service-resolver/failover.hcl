# v2 fails over to v1 here, then to a peer; every other subset tries dc2, then dc3.
Kind           = "service-resolver"
Name           = "web"
ConnectTimeout = "15s"
RequestTimeout = "30s"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == v1"
  }
  v2 = {
    Filter = "Service.Meta.version == v2"
  }
}
Failover = {
  v2 = {
    Targets = [
      { ServiceSubset = "v1" },
      { Peer = "cluster-02" },
    ]
  }
  "*" = {
    Datacenters = ["dc2", "dc3"]
  }
}
