# A service's own certificate is picked by SNI, so the service must list its hosts; and some
# level must say which SDS cluster serves it.
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  {
    Port     = 8443
    Protocol = "http"
    Services = [
      {
        Name = "billing"
        TLS {
          SDS {
            CertResource = "billing-cert"
          }
        }
      }
    ]
  }
]
