Kind = "service-resolver"
Name = "api"
ConnectTimeout = "3s"
RequestTimeout = "20s"
LoadBalancer {
  Policy = "ring_hash"
  RingHashConfig { MinimumRingSize = 1024, MaximumRingSize = 8192 }
  HashPolicies = [
    { Field = "header", FieldValue = "x-user" },
    { Field = "cookie", FieldValue = "session", CookieConfig { Session = true, Path = "/" } },
    { SourceIP = true, Terminal = true },
  ]
}
