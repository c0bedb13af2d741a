# Consumers are named one by one: there is no "every peer".
Kind = "exported-services"
Name = "default"
Services = [
  {
    Name      = "payments"
    Consumers = [
      {
        Peer = "*"
      }
    ]
  }
]
