# Every request to backend must carry a token from okta; /admin also needs an admin claim.
Kind = "service-intentions"
Name = "backend"
JWT = {
  Providers = [
    {
      Name = "okta"
    }
  ]
}
Sources = [
  {
    Name = "frontend"
    Permissions = [
      {
        Action = "allow"
        HTTP = {
          PathPrefix = "/admin"
        }
        JWT = {
          Providers = [
            {
              Name = "okta"
              VerifyClaims = [
                {
                  Path  = ["perms", "role"]
                  Value = "admin"
                }
              ]
            }
          ]
        }
      },
      {
        Action = "allow"
        HTTP = {
          PathPrefix = "/"
        }
      }
    ]
  }
]
