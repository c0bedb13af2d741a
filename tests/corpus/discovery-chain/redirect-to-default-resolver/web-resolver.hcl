# api has no resolver of its own, yet this is not a default chain: web resolves elsewhere.
Kind = "service-resolver"
Name = "web"
Redirect {
  Service = "api"
}
