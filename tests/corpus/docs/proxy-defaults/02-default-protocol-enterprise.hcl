Kind      = "proxy-defaults"
Name      = "global"
Namespace = "default" # only "default" is allowed
Config {
  protocol = "http"
}
