Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  {
    Port     = 8080
    Protocol = "http"
    Services = [
      { Name = "api", Hosts = ["api.example.com", "api.localhost"] },
      { Name = "web" },
    ]
  },
]
