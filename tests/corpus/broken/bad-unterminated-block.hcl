Kind = "service-defaults"
Name = "web"
MeshGateway {
  Mode = "local"

Protocol = "http"
