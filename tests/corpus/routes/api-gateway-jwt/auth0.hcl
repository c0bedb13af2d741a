Kind   = "jwt-provider"
Name   = "auth0"
Issuer = "https://auth0.example.com"
JSONWebKeySet {
  Local {
    Filename = "/etc/jwks/auth0.json"
  }
}
