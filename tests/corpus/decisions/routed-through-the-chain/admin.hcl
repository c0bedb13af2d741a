Kind = "service-intentions"
Name = "admin"
Sources = [
  { Name = "ops", Action = "allow" },
  { Name = "*", Action = "deny" },
]
