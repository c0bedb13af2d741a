Kind = "exported-services"
Name = "finance"
Services = [
  {
    Name      = "ledger"
    Namespace = "accounting"
    Consumers = [
      {
        Partition = "default"
      },
    ]
  },
]
