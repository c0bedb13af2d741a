# Two subsets of web by version metadata; requests that name no subset get v1.
Kind          = "service-resolver"
Name          = "web"
DefaultSubset = "v1"
Subsets = {
  v1 = {
    Filter      = "Service.Meta.version == v1"
    OnlyPassing = true
  }
  v2 = {
    Filter = "Service.Meta.version == v2"
  }
}
