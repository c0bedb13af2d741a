# A terminating gateway lets mesh services reach services outside the mesh. It presents the
# linked service's identity and enforces that service's intentions.
Kind = "terminating-gateway"
Name = "legacy-gateway"
Services = [
  {
    Name   = "legacy-billing"
    CAFile = "/etc/certs/legacy-ca.pem"
    SNI    = "billing.legacy.example.com"
  },
  {
    Name = "payments-api"
  },
]
