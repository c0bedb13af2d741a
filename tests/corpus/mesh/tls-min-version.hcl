# Service mesh mTLS uses TLS 1.2 or newer, inbound and outbound.
Kind = "mesh"
TLS {
  Incoming {
    TLSMinVersion = "TLSv1_2"
    CipherSuites = [
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    ]
  }
  Outgoing {
    TLSMinVersion = "TLSv1_2"
    TLSMaxVersion = "TLSv1_3"
  }
}
