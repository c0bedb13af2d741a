Kind           = "service-resolver"
Name           = "api"
DefaultSubset  = "v2"
RequestTimeout = "20s"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == v1"
  }
  v2 = {
    Filter = "Service.Meta.version == v2"
  }
}
