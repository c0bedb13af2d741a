# The resolver's own timeout shows on the node the single split leads to.
Kind           = "service-resolver"
Name           = "web"
ConnectTimeout = "33s"
