Kind           = "service-resolver"
Name           = "web"
ConnectTimeout = "15s"
RequestTimeout = "45s"
