# Consul's reference example, seen from partition store-east: the local partition first
# (IncludeLocal), another partition of this datacenter, then a cluster peer.
Kind         = "sameness-group"
Name         = "products-api"
Partition    = "store-east"
IncludeLocal = true
Members = [
  { Partition = "store-east" },
  { Partition = "inventory-east" },
  { Peer = "dc2-store-west" },
]
