Kind = "exported-services"
Name = "default"
Services = [
  {
    Name      = "billing"
    Consumers = [{ Peer = "partner" }]
  },
]
