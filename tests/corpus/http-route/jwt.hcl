# /admin needs an okta token with the admin role; other paths only the listener's defaults.
Kind = "http-route"
Name = "api-gateway-route"
Parents = [
  {
    SectionName = "listener-one"
    Name        = "api-gateway"
    Kind        = "api-gateway"
  },
]
Rules = [
  {
    Matches = [
      {
        Path = {
          Match = "prefix"
          Value = "/admin"
        }
      }
    ]
    Filters = {
      JWT = {
        Providers = [
          {
            Name = "okta"
            VerifyClaims = {
              Path  = ["perms", "role"]
              Value = "admin"
            }
          }
        ]
      }
    }
    Services = [
      {
        Name = "bender"
      }
    ]
  },
  {
    Services = [
      {
        Name = "bender"
      }
    ]
  }
]
