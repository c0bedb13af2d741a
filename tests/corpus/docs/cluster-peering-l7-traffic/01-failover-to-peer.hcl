  # manage-traffic/cluster-peering/vm.mdx, step 1.
  Kind           = "service-resolver"
  Name           = "frontend"
  ConnectTimeout = "15s"
  Failover = {
    "*" = {
      Targets = [
        {Peer = "cluster-02"}
      ]
    }
  }
