Kind = "service-intentions"
Name = "*"
Sources = [
  {
    Name   = "legacy"
    Action = "deny"
  },
]
