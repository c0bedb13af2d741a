Kind = "service-intentions"
Name = "api"
Sources = [
  { Name = "web", Action = "allow" },
  { Name = "ingress-gateway", Action = "allow" },
  { Name = "*", Action = "deny" },
]
