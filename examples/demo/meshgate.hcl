# Workspace settings for the demo (a directory's meshgate.hcl is read automatically).
# dc1 is this cluster's primary datacenter; dc2 is WAN-federated with it (one trust domain, one
# CA). `partner` is a cluster peer: its own trust domain and CA (its workspace is
# examples/demo-peer).
Datacenter             = "dc1"
TrustDomain            = "11111111-2222-3333-4444-555555555555.consul"
DefaultIntentionPolicy = "deny"
Mode                   = "enforce"
Peers = {
  "partner" = {
    TrustDomain  = "99999999-8888-7777-6666-555555555555.consul"
    LocalName    = "demo"               # the name partner gave this cluster when peering
    MeshGateways = ["127.0.0.1:8445"]   # partner's mesh gateway
    # CAFile defaults to <cert-dir>/partner-ca.pem
  }
}
