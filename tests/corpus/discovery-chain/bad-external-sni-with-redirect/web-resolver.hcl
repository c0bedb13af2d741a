# A redirect to another datacenter keeps the target's service (web, external): Consul refuses a
# redirect for a service outside the mesh.
Kind           = "service-resolver"
Name           = "web"
ConnectTimeout = "33s"
Redirect {
  Datacenter = "dc2"
}
