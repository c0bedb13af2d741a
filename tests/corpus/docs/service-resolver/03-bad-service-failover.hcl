# Failover for subset v2, but the entry defines no Subsets: Consul refuses the key
# (ServiceResolverConfigEntry.Validate: "Bad Failover[\"v2\"]: not a valid subset").
Kind           = "service-resolver"
Name           = "web"
ConnectTimeout = "15s"
Failover = {
  v2 = {
    Datacenters = ["dc2"]
  }
  "*" = {
    Datacenters = ["dc3", "dc4"]
  }
}
