Kind     = "service-defaults"
Name     = "app"
Protocol = "http"
