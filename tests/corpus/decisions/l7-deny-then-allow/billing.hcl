Kind     = "service-defaults"
Name     = "billing"
Protocol = "http"
