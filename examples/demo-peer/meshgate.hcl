# The partner cluster's settings: its own datacenter, trust domain and CA. It peered with the
# demo's cluster (examples/demo), which it calls `demo`; the demo calls it `partner`.
Datacenter             = "partner-dc1"
TrustDomain            = "99999999-8888-7777-6666-555555555555.consul"
DefaultIntentionPolicy = "deny"
Mode                   = "enforce"
Peers = {
  "demo" = {
    TrustDomain  = "11111111-2222-3333-4444-555555555555.consul"
    LocalName    = "partner"            # the name the demo gave this cluster
    MeshGateways = ["127.0.0.1:8443"]   # the demo's dc1 mesh gateway
    # CAFile defaults to <cert-dir>/demo-ca.pem
  }
}
