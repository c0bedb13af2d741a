  # east-west/cluster-peering/establish/vm.mdx, "Export services between clusters"; the page's
  # `service-name` kept as written.
  Kind = "exported-services"
  Name = "default"
  Services = [
    {
      ## The service to export, and its namespace.
      Name      = "service-name"
      Namespace = "default"

      ## The peers that may dial it, by the names given when peering.
      Consumers = [
        {
          Peer = "cluster-02"
        }
      ]
    }
  ]
