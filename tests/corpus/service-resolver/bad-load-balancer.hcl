# Hash policies need a hash-based policy, and each hashes one thing.
Kind = "service-resolver"
Name = "web"
LoadBalancer = {
  Policy = "least_request"
  LeastRequestConfig = {
    ChoiceCount = 1
  }
  HashPolicies = [
    {
      Field    = "header"
      SourceIP = true
    },
  ]
}
