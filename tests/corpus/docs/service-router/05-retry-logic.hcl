Kind = "service-router"
Name = "orders"
Routes = [
  {
    Match {
        HTTP {
            PathPrefix = "/coffees"
        }
    }

    Destination {
        Service               = "products"
        RequestTimeout        = "15s"
        NumRetries            = 5
        RetryOnConnectFailure = true
        RetryOn               = ["reset"]
    }
  },
  {
    Match {
        HTTP {
            PathPrefix = "/orders"
        }
    }

    Destination {
        Service               = "procurement"
        RequestTimeout        = "10s"
        NumRetries            = 3
        RetryOnConnectFailure = true
        RetryOn               = ["reset"]
    }
  }
]
