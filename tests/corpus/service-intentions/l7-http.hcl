# L7 intentions: per-request rules on paths, methods and headers, mixed with an L4 source.
Kind = "service-intentions"
Name = "billing"
Sources = [
  {
    Name = "frontend-web"
    Permissions = [
      # Everything in the billing API except issuing refunds.
      {
        Action = "deny"
        HTTP {
          PathExact = "/mycompany.BillingService/IssueRefund"
        }
      },
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/mycompany.BillingService/"
          Methods    = ["GET", "POST"]
        }
      }
    ]
  },
  {
    Name = "support-portal"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          PathRegex = "/v[0-9]+/invoices/[a-z0-9-]+"
          Header = [
            {
              Name  = "x-support-tier"
              Exact = "gold"
              IgnoreCase = true
            },
            {
              Name    = "x-debug"
              Present = true
              Invert  = true
            },
            {
              Name     = "cookie"
              Contains = "support=1"
            },
            {
              Name  = "x-request-id"
              Regex = "[0-9a-f]{32}"
            }
          ]
        }
      }
    ]
  },
  {
    Name   = "reporting"
    Action = "allow"
  }
]
