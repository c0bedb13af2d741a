Kind = "ingress-gateway"
Name = "ingress-gateway"
Listeners = [
  {
    Port     = 8080
    Protocol = "http"
    Services = [
      {
        Name  = "web"
        Hosts = ["www.example.com", "example.com"]
        RequestHeaders {
          Set = {
            "x-forwarded-by" = "ingress-gateway"
          }
        }
      },
      {
        Name = "api"
      },
      {
        Name = "*"
      },
    ]
  },
  {
    Port     = 5432
    Protocol = "tcp"
    Services = [
      {
        Name = "db"
      },
    ]
  },
]
