Kind = "service-resolver"
Name = "web"
Redirect {
  Service = "api"
}
