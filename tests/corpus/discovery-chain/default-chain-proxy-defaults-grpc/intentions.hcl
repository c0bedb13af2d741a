Kind = "service-intentions"
Name = "web"
Sources = [
  {
    Name   = "frontend"
    Action = "allow"
  },
]
