# Configuration syntax (Consul CE), placeholders replaced (see the README).
Kind = "exported-services"
Name = "default"
Services = [
  {
    Name = "payments"
    Consumers = [
      {
        Peer = "web-shop"
      }
    ]
  }
]
