# api-gateway-route on listener-one: prefix /admin to admin-service, requiring role = admin from
# `local`; prefix / to user-service.
Kind = "http-route"
Name = "api-gateway-route"

Parents = [{ Kind = "api-gateway", Name = "api-gateway", SectionName = "listener-one" }]

Rules = [
  {
    Matches = [{ Path = { Match = "prefix", Value = "/admin" } }]
    Filters = {
      JWT = {
        Providers = [
          { Name = "local", VerifyClaims = [{ Path = ["role"], Value = "admin" }] }
        ]
      }
    }
    Services = [{ Name = "admin-service" }]
  },
  {
    Matches  = [{ Path = { Match = "prefix", Value = "/" } }]
    Services = [{ Name = "user-service" }]
  },
]
