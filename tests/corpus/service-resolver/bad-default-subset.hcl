# DefaultSubset must be one of the Subsets (here a typo).
Kind          = "service-resolver"
Name          = "web"
DefaultSubset = "v11"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == v1"
  }
  v2 = {
    Filter = "Service.Meta.version == v2"
  }
}
