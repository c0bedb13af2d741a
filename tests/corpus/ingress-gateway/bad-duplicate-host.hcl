# One host name can lead to only one service on a listener.
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  {
    Port     = 8080
    Protocol = "http"
    Services = [
      {
        Name  = "web"
        Hosts = ["www.example.com"]
      },
      {
        Name  = "web-v2"
        Hosts = ["WWW.example.com"]
      }
    ]
  }
]
