# Precedence: `* → billing` (8) ranks above `legacy → *` (6), so legacy may call billing —
# what Consul documents and `consul intention check` says. Consul's generated Envoy RBAC
# (with default allow) would deny it; meshgate follows the documented precedence and warns.
Kind = "service-intentions"
Name = "billing"
Sources = [
  {
    Name   = "*"
    Action = "allow"
  },
]
