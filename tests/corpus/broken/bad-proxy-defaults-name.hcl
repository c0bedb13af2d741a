Kind = "proxy-defaults"
Name = "default"
Config {
  protocol = "http"
}
