Kind = "terminating-gateway"
Name = "terminating-gateway"
Services = [
  {
    Name     = "billing-api"
    CAFile   = "/etc/meshgate/billing-ca.pem"
    CertFile = "/etc/meshgate/billing-client.pem"
    KeyFile  = "/etc/meshgate/billing-client-key.pem"
    SNI      = "billing.example.com"
  },
  {
    Name = "legacy-db"
  },
]
