# Without IncludeLocal the members are the remote ones only, in any order.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group
Kind = "sameness-group"
Name = "shipping"
Members = [
  { Peer = "dc2-default" },
  { Peer = "dc3-default" },
]
