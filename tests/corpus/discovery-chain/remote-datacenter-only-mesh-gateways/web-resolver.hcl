# web runs only in dc2: every request crosses datacenters through mesh gateways.
Kind = "service-resolver"
Name = "web"
Redirect {
  Datacenter = "dc2"
}
