# Exporting from every namespace exports every service: the name must be `*` too.
Kind = "exported-services"
Name = "default"
Services = [
  {
    Name      = "payments"
    Namespace = "*"
    Consumers = [{ Peer = "web-shop" }]
  }
]
