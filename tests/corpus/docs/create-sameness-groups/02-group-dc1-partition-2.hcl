Kind                     = "sameness-group"
Name                   = "product-group"
Partition                = "partition-2"
Members                = [
      {Partition = "partition-2"},
      {Partition = "partition-1"},
      {Peer      = "dc2-partition-1"}
      ]
