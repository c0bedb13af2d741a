# Peer, Partition and SamenessGroup name where a source lives: at most one of them.
Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name      = "frontend"
    Peer      = "cluster-02"
    Partition = "ap1"
    Action    = "allow"
  },
  {
    Name          = "frontend"
    SamenessGroup = "prod-group"
    Peer          = "cluster-03"
    Action        = "allow"
  }
]
