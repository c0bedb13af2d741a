# `consul config read -kind service-defaults -name web`, turned into HCL and written back: the
# Raft indexes and the entry's hash that Consul adds are accepted and skipped.
Kind     = "service-defaults"
Name     = "web"
Protocol = "http"
TransparentProxy {}
MeshGateway {
  Mode = "local"
}
Expose {}
create_index = 27
modify_index = 31
hash         = 8512936735187396571
