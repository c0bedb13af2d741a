# v2's filter is not of a form meshgate reads: every api instance serves it.
Kind          = "service-resolver"
Name          = "api"
DefaultSubset = "v1"
Subsets = {
  v1 = {
    Filter = "Service.Meta.version == v1"
  }
  v2 = {
    Filter = "Service.Meta.version matches \"v2.*\""
  }
}
