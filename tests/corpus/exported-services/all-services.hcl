# Export every service of every namespace to the `monitoring` and `platform` peers.
Kind = "exported-services"
Name = "default"

Services = [
  {
    Name      = "*"
    Namespace = "*"
    Consumers = [
      {
        Peer = "monitoring"
      },
      {
        Peer = "platform"
      }
    ]
  }
]
