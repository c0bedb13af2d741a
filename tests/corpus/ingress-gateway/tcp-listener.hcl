# One tcp listener forwards port 3456 to the db service (Consul's "Define a TCP listener").
Kind      = "ingress-gateway"
Name      = "us-east-ingress"
Namespace = "default"
Partition = "team-frontend"

Listeners = [
  {
    Port     = 3456
    Protocol = "tcp"
    Services = [
      {
        Namespace = "ops"
        Name      = "db"
      }
    ]
  }
]
