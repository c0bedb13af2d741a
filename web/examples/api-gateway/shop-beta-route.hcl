Kind      = "http-route"
Name      = "shop-beta"
Hostnames = ["www.shop.example.com", "beta.shop.example.com"]
Parents = [
  {
    Kind = "api-gateway"
    Name = "api-gateway"
  },
]
Rules = [
  {
    Matches = [
      {
        Path = {
          Match = "prefix"
          Value = "/catalog"
        }
        Headers = [
          {
            Match = "exact"
            Name  = "x-beta"
            Value = "1"
          },
        ]
      },
    ]
    Services = [
      {
        Name = "catalog-v2"
      },
    ]
  },
]
