Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  {
    Port     = 8080
    Protocol = "http"
    Services = [{ Name = "web" }]
  },
  {
    Port     = 8080
    Protocol = "tcp"
    Services = [{ Name = "db" }]
  },
]
