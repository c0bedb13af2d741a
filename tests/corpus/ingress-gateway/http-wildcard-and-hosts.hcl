# TLS on every listener; port 8080 exposes every service at <service>.ingress.*, port 4567 two
# services at their own host names.
Kind = "ingress-gateway"
Name = "us-east-ingress"

TLS {
  Enabled       = true
  TLSMinVersion = "TLSv1_2"
  CipherSuites  = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
}

Defaults {
  MaxConnections = 4096
}

Listeners = [
  {
    Port     = 8080
    Protocol = "http"
    Services = [
      {
        Name = "*"
      }
    ]
  },
  {
    Port     = 4567
    Protocol = "http"
    Services = [
      {
        Name  = "api"
        Hosts = ["foo.example.com"]
      },
      {
        Name  = "web"
        Hosts = ["website.example.com", "*.website.example.com"]
      }
    ]
  }
]
