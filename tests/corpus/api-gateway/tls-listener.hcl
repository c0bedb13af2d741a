# HTTPS for *.example.com with an inline certificate; a second listener on the same port and
# host name is merged with the first.
Kind      = "api-gateway"
Name      = "public"
Namespace = "default"
Partition = "default"
Meta = {
  env = "prod"
}

Listeners = [
  {
    Name     = "https"
    Port     = 443
    Protocol = "http"
    Hostname = "*.example.com"
    TLS = {
      MinVersion   = "TLSv1_2"
      MaxVersion   = "TLSv1_3"
      CipherSuites = ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"]
      Certificates = [
        {
          Kind = "inline-certificate"
          Name = "example-com"
        }
      ]
    }
  },
  {
    Name     = "https-admin"
    Port     = 443
    Protocol = "http"
    Hostname = "*.example.com"
    TLS = {
      Certificates = [
        {
          Kind = "file-system-certificate"
          Name = "admin-cert"
        }
      ]
    }
  }
]
