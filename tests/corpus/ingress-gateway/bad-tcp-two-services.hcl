# A tcp listener cannot tell connections apart: it forwards to exactly one service.
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  {
    Port     = 5432
    Protocol = "tcp"
    Services = [
      { Name = "db-primary" },
      { Name = "db-replica" },
    ]
  }
]
