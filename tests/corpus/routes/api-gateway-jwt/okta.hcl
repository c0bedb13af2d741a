Kind   = "jwt-provider"
Name   = "okta"
Issuer = "https://okta.example.com"
JSONWebKeySet {
  Local {
    Filename = "/etc/jwks/okta.json"
  }
}
