Kind = "tcp-route"
Name = "memcached"
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "gateway"
    SectionName = "cache"
  },
]
Services = [
  {
    Name = "memcached"
  },
]
