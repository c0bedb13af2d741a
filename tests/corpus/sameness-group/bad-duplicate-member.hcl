# https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group
Kind = "sameness-group"
Name = "products-api"
Members = [
  { Peer = "dc2-store-west" },
  { Partition = "inventory-east" },
  { Peer = "dc2-store-west" },
]
