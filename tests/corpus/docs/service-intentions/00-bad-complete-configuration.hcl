# "Complete configuration", placeholders replaced (see the README). Every field at once: the
# source names a peer, a partition and a sameness group, has both Action and Permissions, the
# permission matches three paths at once, and the read-only Legacy fields are given.
Kind =  "service-intentions"
Name = "api"
Namespace = "default"                    # string
Partition = "default"                    # string
Meta = {
  "key-1" = "value-1"
  "key-2" = "value-2"
  }
JWT = {
    Providers = [
      {
        Name = "okta"
        VerifyClaims = [
            {
                Path = ["aud"]
                Value = "api.apps.organization.com"
            }
        ]
      }
    ]
}
Sources = [
  {
    Name =  "web"                          # string
    Peer =  "cluster-02"                   # string
    Namespace = "default"                  # string
    Partition = "ap2"                      # string
    SamenessGroup = "prod"                 # string
    Action = "allow"                       # string for L4 intentions
    Permissions = [
      {
        Action = "allow"                   # string for L7 intentions
        HTTP =  {
          PathExact =  "/exact"            # string
          PathPrefix = "/prefix"           # string
          PathRegex = "/regex/.*"          # string
          Methods = [
            "GET",                         # string
            "POST"
          ]
          Header = [
            {
              Name = "x-present"           # string
              Present = true               # boolean
              Invert = false               # boolean
            },
            {
              Name = "x-exact"             # string
              Exact = "value"              # string
              IgnoreCase = false           # boolean
              Invert = false               # boolean
            },
            {
              Name = "x-prefix"            # string
              Prefix = "pre"               # string
              IgnoreCase = false           # boolean
              Invert = false               # boolean
            },
            {
              Name = "x-suffix"            # string
              Suffix = "suf"               # string
              IgnoreCase = false           # boolean
              Invert = false               # boolean
            },
            {
              Name = "x-contains"          # string
              Contains = "mid"             # string
              IgnoreCase = false           # boolean
              Invert = false               # boolean
            },
            {
              Name = "x-regex"             # string
              Regex = "re.*"               # string
              Invert = false               # boolean
            }
         ]
        }
      }
    ]
    Type = "consul"                                     # string
    Description = "web may call the API"                # string
    Precedence = 9                                      # number
    LegacyID = "ae9d2e9a-0000-0000-0000-000000000001"   # string
    LegacyMeta = { source = "legacy" }                  # map
    LegacyCreateTime = "2023-01-01T00:00:00Z"           # string
    LegacyUpdateTime = "2023-01-01T00:00:00Z"           # string
  }
]
