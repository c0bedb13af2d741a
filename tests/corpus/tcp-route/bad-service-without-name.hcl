Kind = "tcp-route"
Name = "db"
Parents = [{ Name = "public" }]
Services = [{ Namespace = "data" }]
