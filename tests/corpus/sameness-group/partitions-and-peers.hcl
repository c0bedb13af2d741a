# The local partition first (IncludeLocal), another partition of this datacenter, then a peer;
# services without their own failover fail over along the members.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group
Kind               = "sameness-group"
Name               = "products-api"
Partition          = "store-east"
DefaultForFailover = true
IncludeLocal       = true
Members = [
  { Partition = "store-east" },
  { Partition = "inventory-east" },
  { Peer = "dc2-store-west" },
]
