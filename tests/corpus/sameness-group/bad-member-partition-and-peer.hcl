# A member is a partition or a peer, never both.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group
Kind = "sameness-group"
Name = "products-api"
Members = [
  { Partition = "default" },
  { Partition = "store-west", Peer = "dc2-store-west" },
]
