Kind = "mesh"
TLS {
  Incoming {
    CipherSuites = ["ECDHE-RSA-AES128-GCM-SHA256"]
  }
}
