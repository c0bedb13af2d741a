Kind = "service-resolver"
Name = "api"
Subsets = {
  stable = {
    Filter = "Service.Meta.track == stable"
  }
}
