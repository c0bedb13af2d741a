Kind = "service-resolver"
Name = "web"

LoadBalancer = {
  Policy = "maglev"
  HashPolicies = [
    {
      Field      = "header"
      FieldValue = "x-user-id"
    }
  ]
}
