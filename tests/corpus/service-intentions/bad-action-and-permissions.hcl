# Each source is L4 (Action) or L7 (Permissions): exactly one of the two.
Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "hackathon-project"
  },
  {
    Name   = "web"
    Action = "allow"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/v1"
        }
      }
    ]
  },
  {
    Name = "nightly-reconciler"
    Permissions = [
      {
        HTTP {
          PathExact = "/v1/reconcile-data"
        }
      }
    ]
  }
]
