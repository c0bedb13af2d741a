Kind = "service-intentions"
Name = "admin-api"
Sources = [
  {
    Name = "web"
    Permissions = [
      { Action = "deny", HTTP { PathPrefix = "/admin" } },
      { Action = "deny", HTTP { PathRegex = "/internal/.*" } },
      { Action = "allow", HTTP { PathPrefix = "/" } },
    ]
  },
]
