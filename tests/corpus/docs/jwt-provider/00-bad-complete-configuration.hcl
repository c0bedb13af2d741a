# "Complete configuration", placeholders replaced (see the README). As the page writes it, the
# entry gives JSONWebKeySet twice (Local, then Remote), Local both JWKS and Filename, and
# TLSCertificates twice with every TrustedCA source at once.
Kind = "jwt-provider"                                # required
Name = "okta"                                        # required
Issuer = "okta"                                      # required
JSONWebKeySet = {                                    # required
  Local = {                                          # not with Remote
    JWKS = "eyJrZXlzIjogW119"                        # not with Filename
    Filename = "/etc/jwks/okta.json"                 # not with JWKS
  }
}
JSONWebKeySet = {
  Remote = {                                         # not with Local
    URI = "https://example.okta.com/oauth2/default/v1/keys"
    RequestTimeoutMs = 1500
    CacheDuration = "5m"
    FetchAsynchronously = false
    RetryPolicy = {
      NumRetries = 0
      RetryPolicyBackoff = {
        BaseInterval = "1s"
        MaxInterval = "10s"
      }
    }
    JWKSCluster = {
      DiscoveryType = "STATIC"
      ConnectTimeout = "10s"
      # one child only: TrustedCA or CaCertificateProviderInstance
      TLSCertificates = {
        # one source only: Filename, EnvironmentVariable, InlineString or InlineBytes
        TrustedCA = {
          Filename = "/etc/ca/okta.pem"
          EnvironmentVariable = "OKTA_CA"
          InlineString = "-----BEGIN CERTIFICATE-----"
          InlineBytes = "\302\000\302\302\302\302"
        }
      }
      TLSCertificates = {
        CaCertificateProviderInstance = {
          InstanceName = "default"
          CertificateName = "okta-ca"
        }
      }
    }
  }
}

Audiences = ["api.apps.organization.com"]
Locations = [
  {
    Header = {
      Name = "Authorization"
      ValuePrefix = "Bearer"
      Forward = false
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
  }
]
Forwarding = {
  HeaderName = "user-token"
  PadForwardPayloadHeader = false
}
ClockSkewSeconds = 30
CacheConfig = {
  Size = 0
}
