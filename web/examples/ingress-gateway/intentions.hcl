Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name   = "ingress-gateway"
    Action = "allow"
  },
  {
    Name   = "web"
    Action = "allow"
  },
]
