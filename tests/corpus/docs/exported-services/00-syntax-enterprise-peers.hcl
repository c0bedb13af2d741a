# Configuration syntax (Consul Enterprise, peers), placeholders replaced (see the README).
Kind = "exported-services"
Partition = "finance"
Name = "finance"
Services = [
  {
    Name = "payments"
    Namespace = "billing"
    Consumers = [
      {
        Peer = "web-shop"
      }
    ]
  }
]
