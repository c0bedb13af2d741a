Kind    = "service-intentions"
Name    = "api"
Sources = []
