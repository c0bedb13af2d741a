Kind = "proxy-defaults"
Name = "global"
MeshGateway {
  Mode = "remote"
}
