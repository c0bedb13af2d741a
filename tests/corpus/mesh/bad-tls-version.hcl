Kind = "mesh"
TLS {
  Incoming {
    TLSMinVersion = "TLSv1.2"
  }
}
