# Peering control-plane traffic goes through the mesh gateways (default partition only).
Kind      = "mesh"
Partition = "default"
Peering {
  PeerThroughMeshGateways = true
}
