# Destinations are exact hostnames or IPs, each listed once, with a port.
Kind = "service-defaults"
Name = "external"
Destination {
  Addresses = ["*.example.com", "api.example.com", "api.example.com"]
}
