Kind = "terminating-gateway"
Name = "us-west-gateway"

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
