# The same for the service web alone.
Kind = "service-defaults"
Name = "web"

MeshGateway { Mode = "local" }
