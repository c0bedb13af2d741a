PeerTrustDomains = {
  "cluster-02" = "aaaaaaaa-0000-0000-0000-000000000002.consul"
}
