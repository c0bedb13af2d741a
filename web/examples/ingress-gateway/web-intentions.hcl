Kind = "service-intentions"
Name = "web"
Sources = [
  {
    Name = "ingress-gateway"
    Permissions = [
      {
        Action = "deny"
        HTTP {
          PathPrefix = "/admin"
        }
      },
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/"
        }
      },
    ]
  },
]
