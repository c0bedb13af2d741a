Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "web"
    Permissions = [
      { Action = "deny", HTTP { PathPrefix = "/internal" } },
      { Action = "allow", HTTP { PathPrefix = "/" } },
    ]
  },
]
