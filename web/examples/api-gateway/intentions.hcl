Kind = "service-intentions"
Name = "*"
Sources = [
  {
    Name   = "api-gateway"
    Action = "allow"
  },
]
