Kind = "service-intentions"
Name = "*"
Sources = [{ Name = "api-gw", Action = "allow" }]
