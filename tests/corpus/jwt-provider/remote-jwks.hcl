# A remote key set with every field of the reference: cache, retries, the cluster that fetches
# it and its CA; tokens from a header, a query parameter or a cookie; the payload forwarded.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/jwt-provider
Kind   = "jwt-provider"
Name   = "okta"
Issuer = "https://okta.example.com"
JSONWebKeySet = {
  Remote = {
    URI                 = "https://okta.example.com/oauth2/default/v1/keys"
    RequestTimeoutMs    = 1500
    CacheDuration       = "10m"
    FetchAsynchronously = true
    UseSNI              = true
    RetryPolicy = {
      NumRetries = 3
      RetryPolicyBackoff = {
        BaseInterval = "1s"
        MaxInterval  = "10s"
      }
    }
    JWKSCluster = {
      DiscoveryType  = "STRICT_DNS"
      ConnectTimeout = "2s"
      TLSCertificates = {
        TrustedCA = {
          Filename = "/etc/ssl/certs/okta-ca.pem"
        }
      }
    }
  }
}
Audiences = ["billing", "store"]
Locations = [
  {
    Header = {
      Name        = "Authorization"
      ValuePrefix = "Bearer "
      Forward     = true
    }
  },
  {
    QueryParam = {
      Name = "access_token"
    }
  },
  {
    Cookie = {
      Name = "session"
    }
  },
]
Forwarding = {
  HeaderName              = "x-jwt-payload"
  PadForwardPayloadHeader = true
}
ClockSkewSeconds = 45
CacheConfig = {
  Size = 100
}
