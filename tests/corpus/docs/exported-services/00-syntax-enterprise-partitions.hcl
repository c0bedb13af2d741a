# Configuration syntax (Consul Enterprise, partitions), placeholders replaced (see the README).
Kind = "exported-services"
Partition = "finance"
Name = "finance"
Services = [
  {
    Name = "payments"
    Namespace = "billing"
    Consumers = [
      {
        Partition = "web-shop"
      }
    ]
  }
]
