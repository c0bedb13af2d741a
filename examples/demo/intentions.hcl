# Deny by default (see meshgate.hcl); these open what the demo needs.
Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "ingress"
    Permissions = [
      { Action = "deny", HTTP { PathPrefix = "/internal" } },
      { Action = "allow", HTTP { PathPrefix = "/", Methods = ["GET", "POST"] } },
    ]
  },
  { Name = "web", Action = "allow" },
]
