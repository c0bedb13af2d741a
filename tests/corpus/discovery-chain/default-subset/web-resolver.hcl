Kind          = "service-resolver"
Name          = "web"
DefaultSubset = "v2"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == 1"
  }
  v2 = {
    Filter      = "Service.Meta.version == 2"
    OnlyPassing = true
  }
}
