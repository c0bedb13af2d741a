Kind      = "http-route"
Name      = "other"
Hostnames = ["other.example.com"]
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "gateway"
    SectionName = "app"
  },
]
Rules = [
  {
    Services = [
      {
        Name = "app"
      },
    ]
  },
]
