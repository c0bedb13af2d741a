# v2 tries v1 here, then the same service at a peer, then v2 in dc3.
Kind          = "service-resolver"
Name          = "web"
DefaultSubset = "v2"
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
      { Datacenter = "dc3" },
    ]
  }
}
