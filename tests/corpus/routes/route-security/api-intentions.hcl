# Every caller of api needs an okta token whose role claim is admin (the entry's JWT block);
# the ingress gateway is allowed, and its writes need the write scope too (the permission's).
Kind = "service-intentions"
Name = "api"
JWT {
  Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["role"], Value = "admin" }] }]
}
Sources = [
  {
    Name = "ingress"
    Permissions = [
      {
        Action = "allow"
        HTTP { PathPrefix = "/v2/", Methods = ["POST"] }
        JWT { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["scope"], Value = "write" }] }] }
      },
      { Action = "allow", HTTP { PathPrefix = "/" } },
    ]
  },
]
