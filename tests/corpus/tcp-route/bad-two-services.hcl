# Consul's tcp-route forwards to exactly one service.
Kind = "tcp-route"
Name = "db"
Parents = [{ Name = "public" }]
Services = [
  { Name = "db-primary" },
  { Name = "db-replica" },
]
