# A route to a service in another namespace and partition: the target is there, with the
# partition SNI form.
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/pay"
      }
    }
    Destination {
      Service   = "payments"
      Namespace = "billing"
      Partition = "finance"
    }
  },
]
