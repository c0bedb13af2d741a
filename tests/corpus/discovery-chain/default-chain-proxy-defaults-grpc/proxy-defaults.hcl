# The mesh-wide protocol and gateway mode reach the default chain and its target.
Kind = "proxy-defaults"
Name = "global"
Config {
  protocol = "grpc"
}
MeshGateway {
  Mode = "local"
}
