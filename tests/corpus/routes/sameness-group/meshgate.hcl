Peers = {
  "dc2-west" = {
    TrustDomain  = "99999999-8888-7777-6666-555555555555.consul"
    MeshGateways = ["192.0.2.10:8443"]
  }
}
