# Consul's snake_case aliases.
Kind = "terminating-gateway"
Name = "legacy-gateway"

Services = [
  {
    name      = "ledger"
    ca_file   = "/etc/certs/ca.pem"
    cert_file = "/etc/certs/client.pem"
    key_file  = "/etc/certs/client-key.pem"
    sni       = "ledger.internal.example.com"
  }
]
