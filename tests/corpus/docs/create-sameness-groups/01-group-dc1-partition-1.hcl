Kind                     = "sameness-group"
Name                   = "product-group"
Partition                = "partition-1"
Members                = [
      {Partition = "partition-1"},
      {Partition = "partition-2"},
      {Peer      = "dc2-partition-1"}
      ]
