Kind = "service-intentions"
Name = "canary"
Sources = [
  { Name = "web", Action = "allow" },
  { Name = "batch", Action = "deny" },
]
