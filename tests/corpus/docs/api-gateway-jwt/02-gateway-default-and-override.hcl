# Listener listener-one (http, 9001): every route must carry a token from `local`; unless a route
# says otherwise, with claim role = pet. The page writes `Override` and `default`: Consul reads
# keys in any case.
Kind = "api-gateway"
Name = "api-gateway"

Listeners = [
  {
    Name     = "listener-one"
    Port     = 9001
    Protocol = "http"
    default = {
      JWT = {
        Providers = [
          { Name = "local", VerifyClaims = [{ Path = ["role"], Value = "pet" }] }
        ]
      }
    }
    Override = {
      JWT = { Providers = [{ Name = "local" }] }
    }
  }
]
