# north-south/api-gateway/secure-traffic/jwt/vm.mdx; `<JWKS-Key>` replaced by the base64 of an
# empty key set (Consul wants the JWKS base64-encoded).
Kind   = "jwt-provider"
Name   = "local"
Issuer = "local"

JSONWebKeySet = {
  Local = { JWKS = "eyJrZXlzIjpbXX0=" }
}
