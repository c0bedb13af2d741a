Kind = "tcp-route"
Name = "db"
Parents = [
  { Kind = "api-gateway", Name = "public", SectionName = "db" },
  { Name = "public", SectionName = "db" },
]
Services = [{ Name = "db" }]
