# "Complete configuration", placeholders replaced (see the README). Every field at once: a
# cross-datacenter Redirect in a non-default partition, next to Failover, a random LoadBalancer
# with ring-hash, least-request and hash-policy settings.
Kind      = "service-resolver"
Name      = "web"
Namespace = "frontend"
Partition = "ap1"
Meta = {
  team = "payments"
}

ConnectTimeout = "10s"
RequestTimeout = "15s"
Subsets = {
  v1 = {
    Filter      = "Service.Meta.version == v1"
    OnlyPassing = true
  }
  v2 = {
    Filter      = "Service.Meta.version == v2"
    OnlyPassing = true
  }
}
DefaultSubset = "v1"

Redirect = {
  Service       = "api"
  ServiceSubset = "v2"
  Namespace     = "backend"
  Partition     = "ap2"
  SamenessGroup = "prod"
  Datacenter    = "dc2"
  Peer          = "cluster-02"
}

PrioritizeByLocality = {
  Mode = "failover"
}

Failover = {
  v1 = {
    Targets = [
      { Service = "api" },
      { ServiceSubset = "v2" },
      { Namespace = "backend" },
      { Partition = "ap2" },
      { Datacenter = "dc2" },
      { Peer = "cluster-02" }
    ]
  }
  "*" = {
    Service       = "api"
    ServiceSubset = "v2"
    Namespace     = "backend"
    Datacenters   = ["dc2", "dc3"]
  }
}

LoadBalancer = {
  Policy = "random"
  LeastRequestConfig = {
    ChoiceCount = 2
  }
  RingHashConfig = {
    MinimumRingSize = 1024
    MaximumRingSize = 8192
  }
  HashPolicies = [
    {
      Field      = "header"
      FieldValue = "x-user-id"
      CookieConfig = {
        Session = false
        TTL     = "0s"
        Path    = "/"
      }
      SourceIP = false
      Terminal = false
    }
  ]
}
