Kind = "terminating-gateway"
Name = "us-west-gateway"
Services = [
  {
    CAFile = "/etc/certs/ca-chain.cert.pem"
    SNI    = "billing.service.com"
  }
]
