# What consul-k8s writes for http-route.crd.yaml. Backends get the Gateway API's default weight 1;
# a rule without matches matches every path (prefix `/`), as the API server defaults it.
Kind      = "http-route"
Name      = "api"
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "public"
    SectionName = "https"
  }
]
Hostnames = ["api.example.com"]
Rules = [
  {
    Matches = [
      {
        Path = {
          Match = "prefix"
          Value = "/v1/"
        }
        Headers = [
          { Match = "exact", Name = "x-tenant", Value = "acme" },
          { Match = "regex", Name = "x-request-id", Value = "[0-9a-f]+" },
        ]
        Query = [
          { Match = "exact", Name = "debug", Value = "1" },
        ]
        Method = "GET"
      }
    ]
    Filters = {
      Headers = [
        {
          Add    = { "x-forwarded-by" = "public-gateway" }
          Set    = { "x-api-version" = "1" }
          Remove = ["cookie"]
        }
      ]
      URLRewrite = {
        Path = "/"
      }
      RetryFilter = {
        NumRetries            = 3
        RetryOn               = ["5xx", "reset"]
        RetryOnStatusCodes    = [503]
        RetryOnConnectFailure = true
      }
      TimeoutFilter = {
        RequestTimeout = "15s"
        IdleTimeout    = "1m"
      }
      JWT = {
        Providers = [
          {
            Name = "okta"
            VerifyClaims = [
              { Path = ["aud"], Value = "api" }
            ]
          }
        ]
      }
    }
    ResponseFilters = {
      Headers = [
        {
          Remove = ["server"]
        }
      ]
    }
    Services = [
      {
        Name   = "api"
        Weight = 90
        Filters = {
          Headers = [
            {
              Set = { "x-backend" = "api" }
            }
          ]
        }
      },
      {
        Name   = "api-v2"
        Weight = 10
      }
    ]
  },
  {
    Matches = [
      {
        Path = {
          Match = "prefix"
          Value = "/"
        }
      }
    ]
    Services = [
      {
        Name   = "web"
        Weight = 1
      }
    ]
  }
]
