PeerTrustDomains = {
  "dc2-store-west" = "aaaaaaaa-0000-0000-0000-000000000002.consul"
}
