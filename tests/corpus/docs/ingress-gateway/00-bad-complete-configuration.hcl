# "Complete configuration", placeholders replaced (see the README). Its one listener is tcp, yet
# its service sets Hosts and request/response headers, which Consul allows only on http-like
# listeners.
Kind      = "ingress-gateway"
Name      = "ingress"
Namespace = "default"
Partition = "default"
Meta = {
  team = "edge"
}
TLS = {
  Enabled       = false
  TLSMinVersion = "TLSv1_2"
  TLSMaxVersion = "TLSv1_3"
  CipherSuites = [
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  ]
  SDS = {
    ClusterName  = "sds-cluster"
    CertResource = "default-cert"
  }
}
Defaults = {
  MaxConnections        = 1024
  MaxPendingRequests    = 1024
  MaxConcurrentRequests = 1024
  PassiveHealthCheck = {
    Interval                = "10s"
    MaxFailures             = 5
    EnforcingConsecutive5xx = 100
    MaxEjectionPercent      = 10
    BaseEjectionTime        = "30s"
  }
}
Listeners = [
  {
    Port     = 0
    Protocol = "tcp"
    Services = [
      {
        Name      = "db"
        Namespace = "default"
        Partition = "default"
        Hosts = [
          ".ingress.*"
        ]
        RequestHeaders = {
          Add = {
            RequestHeaderName = "added"
          }
          Set = {
            RequestHeaderName = "set"
          }
          Remove = [
            "x-remove-me"
          ]
        }
        ResponseHeaders = {
          Add = {
            ResponseHeaderName = "added"
          }
          Set = {
            ResponseHeaderName = "set"
          }
          Remove = [
            "x-remove-me"
          ]
        }
        TLS = {
          SDS = {
            ClusterName  = "sds-cluster"
            CertResource = "db-cert"
          }
        }
        MaxConnections        = 512
        MaxPendingRequests    = 512
        MaxConcurrentRequests = 512
        PassiveHealthCheck = {
          Interval                = "10s"
          MaxFailures             = 5
          EnforcingConsecutive5xx = 100
          MaxEjectionPercent      = 10
          BaseEjectionTime        = "30s"
        }
    }]
    TLS = {
      Enabled       = false
      TLSMinVersion = "TLSv1_2"
      TLSMaxVersion = "TLSv1_3"
      CipherSuites = [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
      ]
      SDS = {
        ClusterName  = "sds-cluster"
        CertResource = "listener-cert"
      }
    }
  }
]
