# Export two services of the `billing` namespace of partition `finance` to partition `web-shop`
# and to a peer.
Kind      = "exported-services"
Partition = "finance"
Name      = "finance"

Services = [
  {
    Name      = "payments"
    Namespace = "billing"
    Consumers = [
      {
        Partition = "web-shop"
      },
      {
        Peer = "partner-dc"
      }
    ]
  },
  {
    Name      = "refunds"
    Namespace = "billing"
    Consumers = [
      {
        Partition = "web-shop"
      }
    ]
  }
]
