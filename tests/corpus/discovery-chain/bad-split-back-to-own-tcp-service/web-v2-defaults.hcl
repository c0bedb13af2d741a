Kind     = "service-defaults"
Name     = "web-v2"
Protocol = "http"
