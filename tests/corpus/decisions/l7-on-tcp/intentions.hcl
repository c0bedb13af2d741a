# `db` has no service-defaults, so it speaks tcp: the L7 intention denies every connection from
# web, and meshgate warns about it.
Kind = "service-intentions"
Name = "db"
Sources = [
  { Name = "web", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/" } }] },
  { Name = "api", Action = "allow" },
]
