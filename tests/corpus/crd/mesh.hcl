Kind = "mesh"
Name = "mesh"
TransparentProxy {
  MeshDestinationsOnly = true
}
AllowEnablingPermissiveMutualTLS = false
TLS {
  Incoming {
    TLSMinVersion = "TLSv1_2"
  }
}
HTTP {
  SanitizeXForwardedClientCert = true
}
Peering {
  PeerThroughMeshGateways = true
}
