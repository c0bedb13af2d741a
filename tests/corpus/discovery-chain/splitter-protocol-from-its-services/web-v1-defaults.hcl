Kind     = "service-defaults"
Name     = "web-v1"
Protocol = "http"
