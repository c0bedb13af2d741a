# L7 intentions: permissions are tried in order and the first that matches decides.
# `web` may read billing, but never its admin pages — not even as //admin or /%61dmin,
# because rules see the normalized path. Every other caller is denied.
Kind = "service-intentions"
Name = "billing"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        Action = "deny"
        HTTP {
          PathPrefix = "/admin"
        }
      },
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/invoices"
          Methods    = ["GET", "HEAD"]
        }
      },
      {
        Action = "allow"
        HTTP {
          PathExact = "/charge"
          Methods   = ["POST"]
          Header = [
            { Name = "x-idempotency-key", Present = true },
          ]
        }
      },
    ]
  },
  {
    Name   = "*"
    Action = "deny"
  },
]
