# Only the default partition's mesh entry may route peering through mesh gateways.
Kind      = "mesh"
Partition = "team-a"
Peering {
  PeerThroughMeshGateways = true
}
