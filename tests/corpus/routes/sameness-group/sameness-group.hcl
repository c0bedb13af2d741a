# The default partition's view of the group: itself first, partition ap2 of this datacenter, then
# the cluster peer dc2-west. DefaultForFailover: services without their own failover use it.
Kind               = "sameness-group"
Name               = "prod"
DefaultForFailover = true
IncludeLocal       = true
Members = [
  { Partition = "default" },
  { Partition = "ap2" },
  { Peer = "dc2-west" },
]
