# A second failover default in the same partition: Consul refuses it (E0406 at this flag).
Kind               = "sameness-group"
Name               = "west"
Partition          = "store-east"
DefaultForFailover = true
Members = [
  { Partition = "store-east" },
  { Partition = "store-west" },
]
