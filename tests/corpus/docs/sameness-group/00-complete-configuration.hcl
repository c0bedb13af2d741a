# "Complete configuration", placeholders replaced (see the README).
Kind               = "sameness-group"
Name               = "products-api"
Partition          = "store-east"
DefaultForFailover = false
IncludeLocal       = true
Members = [
  { Partition = "store-east" },
  { Peer = "dc2-store-west" }
]
