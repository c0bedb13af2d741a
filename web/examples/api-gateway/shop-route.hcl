Kind      = "http-route"
Name      = "shop"
Hostnames = ["www.shop.example.com", "api.shop.example.com", "shop.example.org"]
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "api-gateway"
    SectionName = "public"
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
      },
    ]
    Filters = {
      RetryFilter = {
        NumRetries = 2
        RetryOn    = ["reset", "5xx"]
      }
      TimeoutFilter = {
        RequestTimeout = "10s"
      }
    }
    Services = [
      {
        Name   = "catalog"
        Weight = 90
      },
      {
        Name   = "catalog-v2"
        Weight = 10
        Filters = {
          Headers = [
            {
              Set = {
                "x-canary" = "true"
              }
            },
          ]
        }
      },
    ]
  },
  {
    Matches = [
      {
        Method = "POST"
        Path = {
          Match = "exact"
          Value = "/checkout"
        }
      },
      {
        Path = {
          Match = "prefix"
          Value = "/cart"
        }
        Headers = [
          {
            Match = "present"
            Name  = "x-session"
          },
        ]
      },
    ]
    Filters = {
      Headers = [
        {
          Add = {
            "x-gateway" = "api-gateway"
          }
          Remove = ["x-debug"]
        },
      ]
      URLRewrite = {
        Path = "/v1/"
      }
    }
    Services = [
      {
        Name = "checkout"
      },
    ]
  },
  {
    Matches = [
      {
        Path = {
          Match = "regex"
          Value = "/items/[0-9]+"
        }
      },
    ]
    Services = [
      {
        Name = "catalog"
      },
    ]
  },
  {
    Services = [
      {
        Name = "frontend"
      },
    ]
  },
]
