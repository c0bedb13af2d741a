Kind     = "service-defaults"
Name     = "billing-api"
Protocol = "http"
