# The group as the default partition sees it: itself first, a partition of this datacenter and
# a cluster peer.
Kind         = "sameness-group"
Name         = "prod"
IncludeLocal = true
Members = [
  { Partition = "default" },
  { Partition = "ap2" },
  { Peer = "dc2-west" },
]
