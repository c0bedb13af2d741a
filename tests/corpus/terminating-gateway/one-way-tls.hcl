# TLS to the external service, verified with a CA bundle and SNI; the Host header is kept.
Kind      = "terminating-gateway"
Name      = "us-west-gateway"
Namespace = "default"

Services = [
  {
    Namespace              = "finance"
    Name                   = "billing"
    CAFile                 = "/etc/certs/ca-chain.cert.pem"
    SNI                    = "billing.service.com"
    DisableAutoHostRewrite = true
  }
]
