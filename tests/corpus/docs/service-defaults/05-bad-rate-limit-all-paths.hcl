# The page writes `RateLimit`; the field is `RateLimits`, and Consul's decoder refuses unknown keys.
Kind = "service-defaults"
Name = "billing"
Protocol = "http"

RateLimit {
  InstanceLevel {
    RequestsPerSecond = 1000
    RequestsMaxBurst = 1500
  }
}
