Kind   = "jwt-provider"
Name   = "okta"
Issuer = "https://okta.example.com"
JSONWebKeySet = {
  Local = { JWKS = "eyJrZXlzIjpbXX0=" }
}
