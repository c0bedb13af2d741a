Kind = "service-intentions"
Name = "legacy-db"
Sources = [
  {
    Name   = "reporting"
    Action = "allow"
  },
  {
    Name   = "web"
    Action = "deny"
  },
]
