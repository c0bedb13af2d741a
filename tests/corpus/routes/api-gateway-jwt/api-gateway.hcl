# `open`: every route that sets no JWT filter needs an okta token (Default). `locked`: every
# route needs an okta token with role ops, whatever its own filter says (Override).
Kind = "api-gateway"
Name = "api-gw"
Listeners = [
  {
    Name     = "open"
    Port     = 8080
    Protocol = "http"
    Default = {
      JWT = { Providers = [{ Name = "okta" }] }
    }
  },
  {
    Name     = "locked"
    Port     = 9090
    Protocol = "http"
    Override = {
      JWT = { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["role"], Value = "ops" }] }] }
    }
  },
]
