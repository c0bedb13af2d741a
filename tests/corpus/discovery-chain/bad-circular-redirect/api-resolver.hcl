Kind = "service-resolver"
Name = "api"
Redirect {
  Service = "db"
}
