# An API gateway whose `web` listener requires a token from `okta` (any route may ask for more) and,
# where a route sets none, one carrying claim role = member; the `admin` listener has no JWT.
Kind = "api-gateway"
Name = "edge"
Listeners = [
  {
    Name     = "web"
    Port     = 8080
    Protocol = "http"
    Override {
      JWT {
        Providers = [{ Name = "okta" }]
      }
    }
    Default {
      JWT {
        Providers = [
          {
            Name         = "okta"
            VerifyClaims = [{ Path = ["role"], Value = "member" }]
          }
        ]
      }
    }
  },
  {
    Name     = "admin"
    Port     = 9090
    Protocol = "http"
  },
]
