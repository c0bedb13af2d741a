Kind = "service-resolver"
Name = "web-canary"
LoadBalancer {
  Policy = "ring_hash"
  HashPolicies = [
    {
      SourceIP = true
    },
  ]
}
