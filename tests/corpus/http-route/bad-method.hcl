Kind = "http-route"
Name = "web"
Parents = [{ Name = "public" }]
Rules = [
  {
    Matches = [{ Method = "FETCH" }]
    Services = [{ Name = "web" }]
  }
]
