# HTTP matches Consul refuses, one per permission.
Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          PathExact  = "/v1/status"
          PathPrefix = "/v1"
        }
      },
      {
        Action = "allow"
        HTTP {
          PathPrefix = "v2/"
        }
      },
      {
        Action = "deny"
        HTTP {
          PathRegex = "/v[0-9+/admin"
        }
      },
      {
        Action = "deny"
        HTTP {
          Header = [
            {
              Name   = "x-tenant"
              Exact  = "acme"
              Prefix = "ac"
            },
            {
              Name       = "x-trace"
              Regex      = "[0-9a-f]+"
              IgnoreCase = true
            },
            {
              Name = "x-empty"
            }
          ]
        }
      },
      {
        Action = "deny"
        HTTP {}
      },
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/reports"
          Methods    = ["GET", "HEAD", "get"]
        }
      }
    ]
  }
]
