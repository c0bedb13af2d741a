# Enterprise: the route, its gateway and its service in different namespaces and partitions.
Kind      = "tcp-route"
Name      = "ledger-db"
Namespace = "payments"
Partition = "finance"
Meta = {
  "owner" = "payments-team"
}

Services = [
  {
    Name      = "ledger-db"
    Namespace = "data"
    Partition = "finance"
  }
]

Parents = [
  {
    Kind      = "api-gateway"
    Name      = "edge"
    Namespace = "gateways"
    Partition = "finance"
  }
]
