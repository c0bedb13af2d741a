# Consul documents that `* -> billing` (precedence 8) outranks `legacy -> *` (precedence 6), so
# legacy may call billing. Consul's generated Envoy RBAC (default allow) denies it instead.
# meshgate follows the documented precedence and warns that the deny is shadowed for billing.
Kind = "service-intentions"
Name = "billing"
Sources = [
  { Name = "*", Action = "allow" },
]
