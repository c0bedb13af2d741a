# Export `api` to every member of the `monitoring` sameness group.
Kind = "exported-services"
Name = "default"

Services = [
  {
    Name      = "api"
    Consumers = [
      {
        SamenessGroup = "monitoring"
      }
    ]
  }
]
