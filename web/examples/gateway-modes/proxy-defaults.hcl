# Level 4 (lowest): proxy-defaults sets the mode for every proxy in the partition.
Kind = "proxy-defaults"
Name = "global"
MeshGateway {
  Mode = "local"
}
