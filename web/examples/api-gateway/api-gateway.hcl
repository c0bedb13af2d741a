Kind = "api-gateway"
Name = "api-gateway"
Listeners = [
  {
    Name     = "public"
    Port     = 8080
    Protocol = "http"
    Hostname = "*.shop.example.com"
  },
  {
    Name     = "postgres"
    Port     = 5432
    Protocol = "tcp"
  },
]
