# north-south/ingress-gateway/external.mdx: public-ingress serves the certificate
# example.com-public-cert from SDS cluster sds-cluster; one http listener on 8443 for every
# service, which the page writes as a list of strings.
Kind = "ingress-gateway"
Name = "public-ingress"

TLS {
  SDS {
    ClusterName  = "sds-cluster"
    CertResource = "example.com-public-cert"
  }
}

Listeners = [
  {
    Port     = 8443
    Protocol = "http"
    Services = ["*"]
  }
]
