# "Complete configuration", placeholders replaced (see the README). As the page writes it, the
# rule's JWT Providers lists `Name = ...` assignments directly inside `[ ]`, which is not HCL.
Kind = "http-route"
Name = "api-route"
Namespace = "default"
Partition = "default"
Meta = {
  "team" = "edge"
}
Hostnames = ["api.example.com"]

Parents = [
  {
    Kind        = "api-gateway"
    Name        = "api-gateway"
    Namespace = "default"
    Partition = "default"
    SectionName = "listener-one"
  }
]

Rules = [
  {
    Filters = {
      Headers = [
        {
          Add = {
            "x-added" = "yes"
          }
          Remove = [
            "x-remove-me"
          ]
          Set = {
            "x-set" = "yes"
          }
        }
      ]
      URLRewrite = {
        Path = "/v2"
      }
      JWT = {
        Providers = [
          Name = "okta"
          VerifyClaim = {
            Path = ["perms"]
            Value = "admin"
          }
        ]
      }
    }
    ResponseFilters = {
      Headers = [
        {
          Add = {
            "x-added" = "yes"
          }
          Remove = [
            "x-remove-me"
          ]
          Set = {
            "x-set" = "yes"
          }
        }
      ]
    }
    Matches = [
      {
        Headers = [
          {
            Match = "exact"
            Name = "x-debug"
            Value = "1"
          }
        ]
        Method = "GET"
        Path = {
          Match = "prefix"
          Value = "/api"
        }
        Query = [
          {
            Match = "exact"
            Name = "debug"
            Value = "1"
          }
        ]
      }
    ]
    Services = [
      {
        Name   = "api"
        Namespace = "default"
        Partition = "default"
        Weight = "1"
        Filters = {
          Headers = [
            {
              Add = {
                "x-added" = "yes"
              }
              Remove = [
                "x-remove-me"
              ]
              Set = {
                "x-set" = "yes"
              }
            }
          ]
          URLRewrite = {
            Path = "/v2"
          }
        }
      }
    ]
  }
]
