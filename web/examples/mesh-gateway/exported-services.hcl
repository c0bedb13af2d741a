Kind = "exported-services"
Name = "default"
Services = [
  {
    Name = "api"
    Consumers = [
      {
        Peer = "cluster-02"
      },
    ]
  },
  {
    Name = "payments"
    Consumers = [
      {
        Peer = "cluster-02"
      },
      {
        Peer = "cluster-03"
      },
      {
        Partition = "analytics"
      },
    ]
  },
]
