Kind = "service-resolver"
Name = "db"
Redirect {
  Service = "web"
}
