Kind = "service-intentions"
Name = "billing-api"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/invoices"
          Methods    = ["GET"]
        }
      },
    ]
  },
  {
    Name   = "*"
    Action = "deny"
  },
]
