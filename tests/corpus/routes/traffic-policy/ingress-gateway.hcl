Kind = "ingress-gateway"
Name = "ingress"
Defaults { MaxConnections = 100, PassiveHealthCheck { MaxFailures = 3, BaseEjectionTime = "45s" } }
Listeners = [{
  Port = 8080
  Protocol = "http"
  Services = [
    { Name = "web", Hosts = ["www.example.com"], MaxPendingRequests = 10 },
    { Name = "api", Hosts = ["api.example.com"] },
  ]
}]
