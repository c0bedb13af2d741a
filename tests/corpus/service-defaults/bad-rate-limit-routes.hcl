# Each route matches on exactly one path field and needs its own rate.
Kind     = "service-defaults"
Name     = "billing"
Protocol = "http"
RateLimits {
  InstanceLevel {
    RequestsPerSecond = 100
    RequestsMaxBurst  = 10
    Routes = [
      {
        PathExact         = "/login"
        PathPrefix        = "/login/"
        RequestsPerSecond = 5
      },
      {
        PathPrefix = "admin"
      }
    ]
  }
}
