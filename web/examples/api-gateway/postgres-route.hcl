Kind = "tcp-route"
Name = "postgres"
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "api-gateway"
    SectionName = "postgres"
  },
]
Services = [
  {
    Name = "postgres"
  },
]
