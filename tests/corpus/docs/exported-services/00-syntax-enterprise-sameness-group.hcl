# Configuration syntax (Consul Enterprise, sameness-group), placeholders replaced (see the README).
Kind = "exported-services"
Partition = "finance"
Name = "finance"
Services = [
  {
    Name = "payments"
    Namespace = "billing"
    Consumers = [
      {
        SamenessGroup = "web-shop"
      }
    ]
  }
]
