# Header changes and per-service limits; snake_case keys read like Consul's aliases.
Kind = "ingress-gateway"
Name = "edge"

Defaults {
  MaxPendingRequests = 256
  PassiveHealthCheck {
    Interval           = "10s"
    MaxFailures        = 5
    MaxEjectionPercent = 50
    BaseEjectionTime   = "30s"
  }
}

Listeners = [
  {
    Port     = 8080
    Protocol = "http"
    Services = [
      {
        Name  = "api"
        Hosts = ["api.example.com"]
        request_headers {
          Add {
            x-gateway = "edge"
          }
          Set {
            x-real-ip = "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"
          }
          Remove = ["x-internal-token"]
        }
        response_headers {
          Remove = ["server"]
        }
        max_connections = 100
        passive_health_check {
          max_failures              = 3
          enforcing_consecutive_5xx = 100
        }
      }
    ]
  }
]
