# Sticky sessions: hash on the session cookie (Envoy sets it for an hour), else the client IP.
Kind = "service-resolver"
Name = "cart"
LoadBalancer = {
  Policy = "ring_hash"
  RingHashConfig = {
    MinimumRingSize = 1024
    MaximumRingSize = 8192
  }
  HashPolicies = [
    {
      Field      = "cookie"
      FieldValue = "cart-session"
      CookieConfig = {
        TTL  = "1h"
        Path = "/"
      }
      Terminal = true
    },
    {
      SourceIP = true
    },
  ]
}
PrioritizeByLocality = {
  Mode = "failover"
}
