# Listeners on one port are merged into one Envoy listener: they must agree.
Kind = "api-gateway"
Name = "public"
Listeners = [
  {
    Name     = "web"
    Port     = 8080
    Protocol = "http"
    Hostname = "www.example.com"
  },
  {
    Name     = "api"
    Port     = 8080
    Protocol = "http"
    Hostname = "api.example.com"
  },
  {
    Name     = "raw"
    Port     = 8080
    Protocol = "tcp"
  }
]
