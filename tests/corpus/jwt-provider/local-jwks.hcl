# A local key set: the JWKS JSON base64-encoded in the entry (the other choice is Filename, a file
# on every proxy's disk).
# https://developer.hashicorp.com/consul/docs/reference/config-entry/jwt-provider
Kind   = "jwt-provider"
Name   = "internal"
Issuer = "internal.example.com"
JSONWebKeySet {
  Local {
    JWKS = "eyJrZXlzIjpbXX0="
  }
}
Locations = [
  { Header = { Name = "X-Internal-Token" } }
]
