Kind = "api-gateway"
Name = "public"
Listeners = [
  {
    Name     = "Public_HTTPS"
    Port     = 443
    Protocol = "http"
  }
]
