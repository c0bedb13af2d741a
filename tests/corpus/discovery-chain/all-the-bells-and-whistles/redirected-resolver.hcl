Kind = "service-resolver"
Name = "redirected"
Redirect {
  Service    = "web"
  Datacenter = "dc3"
}
