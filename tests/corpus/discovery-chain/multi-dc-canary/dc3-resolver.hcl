Kind = "service-resolver"
Name = "web-dc3"
Redirect {
  Service    = "web"
  Datacenter = "dc3"
}
