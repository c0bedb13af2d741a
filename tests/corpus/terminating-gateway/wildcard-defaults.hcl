# Every service in the namespace, with mutual TLS by default; billing overrides CA and SNI.
Kind = "terminating-gateway"
Name = "us-west-gateway"
Meta = {
  team = "platform"
}

Services = [
  {
    Name     = "*"
    CAFile   = "/etc/common-certs/ca-chain.cert.pem"
    KeyFile  = "/etc/common-certs/gateway.key.pem"
    CertFile = "/etc/common-certs/gateway.cert.pem"
  },
  {
    Name   = "billing"
    CAFile = "/etc/billing-ca/ca-chain.cert.pem"
    SNI    = "billing.service.com"
  }
]
