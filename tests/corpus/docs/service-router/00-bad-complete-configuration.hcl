# "Complete configuration", placeholders replaced (see the README). The page writes QueryParam's
# fields straight into a list (`[ Name = ... ]`), which is not HCL: Consul's HCL parser stops there.
Kind      = "service-router"
Name      = "web"
Namespace = "frontend"
Partition = "ap1"
Meta = {
  team = "payments"
}


Routes = [
  {
    Match {
      HTTP {
        PathExact = "/exact/path"
      },
      HTTP {
        PathPrefix = "/path/prefix"
      },
      HTTP {
        PathRegex = "/regex/.*"
      },
      HTTP {
        Methods = ["GET", "POST", "PUT"]
      },
      HTTP {
        Header = [
          {
            Name    = "x-debug"
            Present = false
            Exact   = "exact"
            Prefix  = "pre"
            Suffix  = "suf"
            Regex   = "re.*"
            Invert  = false
          }
        ]
      }
      HTTP {
        QueryParam = [
          Name    = "debug"
          Present = false
          Exact   = "1"
          Regex   = "[0-9]"
        ]
      }
    },


    Destination {
      Service               = "api"
      ServiceSubset         = "v2"
      Namespace             = "backend"
      Partition             = "ap2"
      PrefixRewrite         = "/new-prefix"
      RequestTimeout        = 0
      IdleTimeout           = 0
      NumRetries            = 1
      RetryOnConnectFailure = false
      RetryOn               = ["reset", "unavailable"]
      RetryOnStatusCodes    = [500, 502, 503]
      RequestHeaders = {
        Set = {
          "X-Web-Version" : "from-web"
        }
      }
      ResponseHeaders = {
        Set = {
          "X-Web-Version" : "to-web"
        }
      }
    }
  }
]
