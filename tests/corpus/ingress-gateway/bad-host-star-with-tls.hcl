# With TLS every host goes into the certificate as a DNS name, and "*" is not one.
Kind = "ingress-gateway"
Name = "ingress"
TLS {
  Enabled = true
}
Listeners = [
  {
    Port     = 8443
    Protocol = "http"
    Services = [{ Name = "web", Hosts = ["*"] }]
  }
]
