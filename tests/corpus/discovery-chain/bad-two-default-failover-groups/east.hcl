Kind               = "sameness-group"
Name               = "east"
Partition          = "store-east"
DefaultForFailover = true
Members = [
  { Partition = "store-east" },
  { Partition = "inventory-east" },
]
