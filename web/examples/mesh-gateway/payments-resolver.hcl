Kind          = "service-resolver"
Name          = "payments"
DefaultSubset = "stable"
Subsets = {
  stable = {
    Filter = "Service.Meta.track == stable"
  }
  canary = {
    Filter = "Service.Meta.track == canary"
  }
}
