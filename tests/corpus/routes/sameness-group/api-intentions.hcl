Kind = "service-intentions"
Name = "api"
Sources = [
  { Name = "web", SamenessGroup = "prod", Action = "allow" },
  { Name = "*", Action = "deny" },
]
