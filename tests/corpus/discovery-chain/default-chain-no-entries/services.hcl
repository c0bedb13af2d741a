# web is registered, but no config entry mentions it: the default chain.
service {
  name = "web"
  port = 8080
}
