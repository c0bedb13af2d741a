Kind = "tcp-route"
Name = "redis"
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "gateway"
    SectionName = "cache"
  },
]
Services = [
  {
    Name = "redis"
  },
]
