# Routers and splitters need an HTTP-like protocol: every service speaks http here.
Kind = "proxy-defaults"
Name = "global"
Config {
  protocol = "http"
}
