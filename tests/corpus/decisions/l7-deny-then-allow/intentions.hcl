# The documented pattern: deny the admin API, allow everything else under /, only GET and POST.
Kind = "service-intentions"
Name = "billing"
Sources = [
  {
    Name = "frontend"
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
          Methods    = ["GET", "POST"]
        }
      },
    ]
  },
  {
    Name   = "*"
    Action = "deny"
  },
]
