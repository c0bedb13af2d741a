# A virtual service: asking for web-dc2 means web in dc2.
Kind = "service-resolver"
Name = "web-dc2"
Redirect {
  Service    = "web"
  Datacenter = "dc2"
}
