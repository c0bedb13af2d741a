# `db` has no service-defaults, so it speaks tcp: its intentions decide at L4, and a method, path
# or header given with a request does not change that. (L7 permissions here would be E0405: see
# ../l7-on-tcp.)
Kind = "service-intentions"
Name = "db"
Sources = [
  { Name = "api", Action = "allow" },
  { Name = "*", Action = "deny" },
]
