Kind     = "service-defaults"
Name     = "admin-api"
Protocol = "http"
