Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "web"
    Permissions = [
      { Action = "deny",  HTTP { Header = [{ Name = "x-debug", Present = true }] } },
      { Action = "deny",  HTTP { Header = [{ Name = "x-env", Exact = "prod", Invert = true }] } },
      { Action = "allow", HTTP { Header = [{ Name = "x-team", Prefix = "pay", IgnoreCase = true }] } },
      { Action = "allow", HTTP { Header = [{ Name = "x-version", Regex = "v[0-9]+" }] } },
      { Action = "allow", HTTP { Methods = ["GET"], Header = [{ Name = "user-agent", Contains = "probe" }] } },
    ]
  },
]
