Kind = "service-intentions"
Name = "*"
Sources = [
  { Name = "web", Action = "deny" },         # exact -> *: 6
  { Name = "*", Action = "allow" },          # *     -> *: 5
]
