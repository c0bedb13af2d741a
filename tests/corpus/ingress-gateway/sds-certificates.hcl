# Certificates from an external SDS service: a gateway default, a listener override, and a
# per-service certificate chosen by host name.
Kind = "ingress-gateway"
Name = "ingress-sds"

TLS {
  SDS {
    ClusterName  = "sds-cluster"
    CertResource = "default-cert"
  }
}

Listeners = [
  {
    Port     = 8443
    Protocol = "http"
    Services = [
      {
        Name  = "billing"
        Hosts = ["billing.example.com"]
        TLS {
          SDS {
            CertResource = "billing-cert"
          }
        }
      },
      {
        Name  = "web"
        Hosts = ["www.example.com"]
      }
    ]
  },
  {
    Port     = 9443
    Protocol = "http2"
    TLS {
      TLSMinVersion = "TLSv1_3"
      SDS {
        ClusterName  = "other-sds"
        CertResource = "grpc-cert"
      }
    }
    Services = [
      {
        Name = "grpc-api"
      }
    ]
  }
]
