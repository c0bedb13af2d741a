# No Protocol here: Consul's discovery chain compiler then takes tcp for `web`, not the http of
# proxy-defaults (a service-defaults entry decides when there is one; hashicorp/consul#11457),
# so Consul refuses the router ("does not permit advanced routing or splitting behavior").
# Sidecars still get http from proxy-defaults: only the chain differs.
Kind = "service-defaults"
Name = "web"
MeshGateway {
  Mode = "local"
}
