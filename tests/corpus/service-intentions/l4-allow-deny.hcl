# Plain L4 intentions: the web tier may not reach the database, the api may.
Kind = "service-intentions"
Name = "db"
Sources = [
  {
    Name   = "web"
    Action = "deny"
  },
  {
    Name        = "api"
    Action      = "allow"
    Description = "the api owns its data"
  },
  # Everything else in the namespace: denied explicitly.
  {
    Name   = "*"
    Action = "deny"
  }
]
