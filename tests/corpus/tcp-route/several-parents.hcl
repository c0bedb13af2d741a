# One route on two gateways (and on every tcp listener of the second: no SectionName).
Kind = "tcp-route"
Name = "redis"

Parents = [
  {
    Name        = "public"
    SectionName = "redis"
  },
  {
    Name = "internal"
  }
]

Services = [
  {
    Name = "redis"
  }
]
