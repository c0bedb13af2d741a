# "Complete configuration", placeholders replaced (see the README).
Kind = "tcp-route"
Name = "db-route"
Namespace = "default"
Partition = "default"

Meta = {
  "team" = "data"
}

Services = [
  {
    Name = "db"
    Namespace = "default"
    Partition = "default"
  }
]


Parents = [
  {
    Kind = "api-gateway"
    Name = "api-gateway"
    Namespace = "default"
    Partition = "default"
    SectionName = "tcp-listener"
  }
]
