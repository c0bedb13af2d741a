# Defaults for every service without an entry of its own: L4 only (no Permissions on "*").
Kind = "service-intentions"
Name = "*"
Meta = {
  managed-by = "platform-team"
}
Sources = [
  {
    Name   = "legacy-batch"
    Action = "deny"
  },
  {
    Name   = "frontend"
    Peer   = "cluster-02"
    Action = "allow"
  },
  {
    Name          = "*"
    SamenessGroup = "prod-group"
    Action        = "deny"
  },
  {
    Name       = "monitoring"
    Type       = "consul"
    Action     = "allow"
    Precedence = 6
  }
]
