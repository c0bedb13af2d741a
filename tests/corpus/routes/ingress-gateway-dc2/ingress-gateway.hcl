Kind = "ingress-gateway"
Name = "ingress-dc2"
TLS {
  Enabled = true
}
Listeners = [
  {
    Port     = 8443
    Protocol = "http"
    Services = [
      {
        Name  = "web"
        Hosts = ["*.example.com"]
        ResponseHeaders {
          Remove = ["server"]
        }
      },
    ]
  },
  {
    Port     = 9443
    Protocol = "grpc"
    Services = [
      {
        Name  = "search"
        Hosts = ["search.example.com"]
      },
    ]
  },
]
