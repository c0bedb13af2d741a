# my-http-route on listener my-http-listener of api-gateway my-gateway: prefix / split 90/10
# between ui and experimental-ui, prefix /api to api.
Kind = "http-route"
Name = "my-http-route"

Parents = [
  {
    Kind        = "api-gateway"
    Name        = "my-gateway"
    SectionName = "my-http-listener"
  }
]

Rules = [
  {
    Matches = [{ Path = { Match = "prefix", Value = "/" } }]
    Services = [
      { Name = "ui", Weight = 90 },
      { Name = "experimental-ui", Weight = 10 },
    ]
  },
  {
    Matches  = [{ Path = { Match = "prefix", Value = "/api" } }]
    Services = [{ Name = "api" }]
  },
]
