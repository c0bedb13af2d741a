Kind           = "service-resolver"
Name           = "web-legacy"
ConnectTimeout = "2s"
