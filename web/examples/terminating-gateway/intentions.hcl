Kind = "service-intentions"
Name = "legacy-billing"
Sources = [
  { Name = "web", Action = "allow" },
  { Name = "*", Action = "deny" },
]
