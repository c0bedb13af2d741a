Kind = "service-intentions"
Name = "ledger"
Sources = [
  { Name = "audit", Namespace = "finance", Action = "allow" },
  { Name = "*", Namespace = "finance", Action = "deny" },
  { Name = "*", Namespace = "*", Action = "allow" },
]
