Kind = "service-resolver"
Name = "web"
Redirect {
  Service = "web-legacy"
}
