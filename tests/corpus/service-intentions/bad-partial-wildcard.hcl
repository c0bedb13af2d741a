# Intentions have no prefix wildcards: "*" stands alone or not at all.
Kind = "service-intentions"
Name = "web*"
Sources = [
  {
    Name   = "api-*"
    Action = "allow"
  },
  {
    Name      = "billing"
    Namespace = "*"
    Action    = "deny"
  },
  {
    Name   = "frontend"
    Peer   = "*"
    Action = "allow"
  }
]
