# A destination outside the mesh, reached through a terminating gateway by transparent proxies.
Kind     = "service-defaults"
Name     = "test-destination"
Protocol = "tcp"
Destination {
  Addresses = ["test.com", "test.org", "203.0.113.10"]
  Port      = 443
}
