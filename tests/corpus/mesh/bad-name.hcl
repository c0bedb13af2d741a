# There is one mesh entry and it is called `mesh`.
Kind = "mesh"
Name = "global"
TransparentProxy {
  MeshDestinationsOnly = true
}
