# manage-traffic/route-local.mdx: the service definition as written has an `id` but no `name`;
# Consul's agent refuses to register it (validateService: "Service name missing").
service {
  id  = "web"
  locality = {
    region = "us-west-1"
    zone = "us-west-1a"
  }
  connect = { sidecar_service = {} }
}
