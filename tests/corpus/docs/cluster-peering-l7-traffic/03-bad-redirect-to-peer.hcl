  # As the page writes it: `Service = frontend` without quotes, which HCL does not take as a value.
  Kind           = "service-resolver"
  Name           = "frontend-peer"
  Redirect {
    Service = frontend
    Peer = "cluster-02"
  }
