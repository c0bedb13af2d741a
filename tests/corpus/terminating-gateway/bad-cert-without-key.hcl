# A client certificate is useless without its key (and the CA to verify the server).
Kind = "terminating-gateway"
Name = "us-west-gateway"
Services = [
  {
    Name     = "billing"
    CAFile   = "/etc/certs/ca-chain.cert.pem"
    CertFile = "/etc/certs/gateway.cert.pem"
  }
]
