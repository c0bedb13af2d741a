# External services of dc1 (one without an address), one of dc2, and a terminating gateway that
# links all of dc1's with one-way TLS, except reports, linked by name without TLS.
services = [
  { name = "egress", kind = "terminating-gateway", address = "10.0.0.60", port = 8443 },
  { name = "reports", address = "reports.internal.example", port = 8080 },
  { name = "geo", address = "geo.example.net", port = 443 },
  { name = "search", port = 9200 },
  { name = "archive", datacenter = "dc2", address = "archive.example.net", port = 443 },
]
