# A service outside the mesh: its target keeps the external SNI and no gateway mode.
Kind        = "service-defaults"
Name        = "web"
Protocol    = "http"
ExternalSNI = "web.example.com"
MeshGateway {
  Mode = "local"
}
