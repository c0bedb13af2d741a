Kind                     = "sameness-group"
Name                   = "product-group"
Partition                = "partition-1"
Members                = [
      {Partition = "partition-1"},
      {Peer = "dc1-partition-1"},
      {Peer = "dc1-partition-2"}
      ]
