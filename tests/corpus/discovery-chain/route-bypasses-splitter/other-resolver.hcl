Kind = "service-resolver"
Name = "other"
Subsets = {
  bypass = {
    Filter = "Service.Meta.version == bypass"
  }
}
