Kind = "service-resolver"
Name = "web-blue"
LoadBalancer {
  Policy = "least_request"
  LeastRequestConfig {
    ChoiceCount = 3
  }
}
