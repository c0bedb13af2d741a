Kind = "api-gateway"
Name = "public"
Listeners = [
  {
    Name     = "https"
    Port     = 443
    Protocol = "http"
    TLS = {
      Certificates = [
        { Kind = "inline-certificate" }
      ]
    }
  }
]
