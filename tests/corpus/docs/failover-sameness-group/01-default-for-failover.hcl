# manage-traffic/failover/sameness-group.mdx, "Failover with a sameness group configuration entry".
Kind                     = "sameness-group"
Name                     = "example-sg"
Partition                = "partition-1"
DefaultForFailover       = true
Members                = [
      {Partition = "partition-1"},
      {Partition = "partition-2"},
      {Peer      = "dc2-partition-1"}
      ]
