Kind = "service-intentions"
Name = "web"
Sources = [{ Name = "ingress", Action = "allow" }]
