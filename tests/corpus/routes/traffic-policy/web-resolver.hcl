Kind = "service-resolver"
Name = "web"
LoadBalancer { Policy = "least_request", LeastRequestConfig { ChoiceCount = 3 } }
