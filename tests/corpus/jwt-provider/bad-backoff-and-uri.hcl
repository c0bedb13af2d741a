# MaxInterval must be at least BaseInterval; and a remote key set needs a URI that parses.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/jwt-provider
Kind = "jwt-provider"
Name = "okta"
JSONWebKeySet {
  Remote {
    URI = "okta.example.com/keys"
    RetryPolicy {
      NumRetries = 2
      RetryPolicyBackOff {
        BaseInterval = "5s"
        MaxInterval  = "1s"
      }
    }
  }
}
