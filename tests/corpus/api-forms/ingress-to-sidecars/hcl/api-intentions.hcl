Kind = "service-intentions"
Name = "api"
Sources = [
  { Name = "ingress", Action = "allow" },
  { Name = "web", Action = "allow" },
]
