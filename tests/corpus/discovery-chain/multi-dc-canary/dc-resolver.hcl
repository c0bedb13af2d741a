Kind           = "service-resolver"
Name           = "web"
ConnectTimeout = "10s"
