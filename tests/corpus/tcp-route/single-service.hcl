# Connections to the gateway's tcp listener go to postgres.
Kind = "tcp-route"
Name = "postgres"

Services = [
  {
    Name = "postgres"
  }
]

Parents = [
  {
    Kind        = "api-gateway"
    Name        = "public"
    SectionName = "postgres"
  }
]
