# Consul reads a Path without Match as "prefix /": this rule would take every request.
Kind = "http-route"
Name = "web"
Parents = [{ Name = "public" }]
Rules = [
  {
    Matches = [
      {
        Path = {
          Value = "/admin"
        }
      }
    ]
    Services = [{ Name = "admin" }]
  }
]
