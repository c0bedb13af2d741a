Kind          = "service-resolver"
Name          = "api-v2"
Namespace     = "platform"
DefaultSubset = "stable"
Subsets = {
  stable = {
    Filter = "Service.Meta.track == stable"
  }
}
