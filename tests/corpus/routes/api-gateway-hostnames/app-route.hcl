Kind = "http-route"
Name = "app"
Parents = [
  {
    Kind = "api-gateway"
    Name = "gateway"
  },
]
Rules = [
  {
    Matches = [
      {
        Path = {
          Match = "prefix"
          Value = "/static"
        }
        Query = [
          {
            Match = "exact"
            Name  = "v"
            Value = "2"
          },
        ]
      },
      {
        Path = {
          Match = "prefix"
          Value = "/static"
        }
      },
    ]
    Services = [
      {
        Name = "app"
        Filters = {
          URLRewrite = {
            Path = "/assets"
          }
        }
      },
    ]
  },
]
