Kind      = "service-resolver"
Name      = "web"
Namespace = "frontend"
Subsets = {
  blue = {
    Filter = "Service.Meta.color == blue"
  }
  green = {
    Filter = "Service.Meta.color == green"
  }
}
