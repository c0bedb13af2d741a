# Workspace settings for the demo (pass with --settings examples/demo/meshgate.hcl).
Datacenter             = "dc1"
TrustDomain            = "11111111-2222-3333-4444-555555555555.consul"
DefaultIntentionPolicy = "deny"
Mode                   = "enforce"
PeerTrustDomains = {
  "partner" = "99999999-8888-7777-6666-555555555555.consul"
}
