# Canary traffic: a header, a query parameter or an exact path with a method selects the canary.
Kind      = "http-route"
Name      = "canary"
Hostnames = ["shop.example.com"]

Parents = [
  {
    Name = "public"
  }
]

Rules = [
  {
    Matches = [
      {
        Headers = [
          {
            Match = "exact"
            Name  = "x-canary"
            Value = "always"
          }
        ]
      },
      {
        Query = [
          {
            Match = "present"
            Name  = "canary"
          }
        ]
      },
      {
        Method = "POST"
        Path = {
          Match = "exact"
          Value = "/checkout"
        }
        Headers = [
          {
            Match = "regex"
            Name  = "user-agent"
            Value = ".*Mobile.*"
          }
        ]
      }
    ]
    Services = [
      {
        Name = "shop-canary"
      }
    ]
  },
  {
    Services = [
      {
        Name = "shop"
      }
    ]
  }
]
