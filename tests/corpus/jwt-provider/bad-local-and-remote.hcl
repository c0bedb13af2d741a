# A key set comes from Local or from Remote, not both.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/jwt-provider
Kind = "jwt-provider"
Name = "okta"
JSONWebKeySet {
  Local {
    Filename = "/etc/consul/jwks.json"
  }
  Remote {
    URI = "https://okta.example.com/oauth2/default/v1/keys"
  }
}
