Kind = "exported-services"
Services = [
  {
    Name      = "payments"
    Consumers = [{ Peer = "web-shop" }]
  }
]
