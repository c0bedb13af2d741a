# Without IncludeLocal, the group starts with another partition of this datacenter.
Kind      = "sameness-group"
Name      = "shipping"
Partition = "store-east"
Members = [
  { Partition = "inventory-east" },
  { Peer = "dc2-store-west" },
]
