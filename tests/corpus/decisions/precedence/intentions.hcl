# One intention at each of Consul's precedence levels that a default-namespace mesh can write,
# each with a different action so the answers show which one decided.
Kind = "service-intentions"
Name = "db"
Sources = [
  { Name = "web", Action = "allow" },        # exact -> exact: 9
  { Name = "*", Action = "deny" },           # *     -> exact: 8
  { Name = "*", Namespace = "*", Action = "allow" },  # */* -> exact: 7
]
