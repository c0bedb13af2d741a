Kind = "service-intentions"
Name = "orders"
Sources = [
  { Name = "web", SamenessGroup = "prod", Action = "allow" },
  { Name = "*", Peer = "dc2-west", Action = "deny" },
  { Name = "*", Partition = "ap2", Action = "deny" },
]
