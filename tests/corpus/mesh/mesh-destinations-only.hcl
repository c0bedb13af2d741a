# Transparent proxies only dial destinations in the mesh; services may opt in to permissive mTLS.
Kind = "mesh"
Name = "mesh"
TransparentProxy {
  MeshDestinationsOnly = true
}
AllowEnablingPermissiveMutualTLS = true
ValidateClusters                 = true
