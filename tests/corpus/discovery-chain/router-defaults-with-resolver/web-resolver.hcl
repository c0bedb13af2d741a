Kind           = "service-resolver"
Name           = "web"
ConnectTimeout = "33s"
