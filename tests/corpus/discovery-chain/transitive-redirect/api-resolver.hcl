Kind = "service-resolver"
Name = "api"
Redirect {
  Service   = "api-v2"
  Namespace = "platform"
}
