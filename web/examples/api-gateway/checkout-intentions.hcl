Kind = "service-intentions"
Name = "checkout"
Sources = [
  {
    Name = "api-gateway"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          Methods = ["GET", "POST"]
        }
      },
    ]
  },
]
