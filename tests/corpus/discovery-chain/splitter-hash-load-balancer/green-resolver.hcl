Kind = "service-resolver"
Name = "web-green"
LoadBalancer {
  Policy = "maglev"
  HashPolicies = [
    {
      Field      = "header"
      FieldValue = "x-user-id"
    },
  ]
}
