# `https` is not a mesh protocol: TLS between proxies is always on; the application speaks http.
Kind     = "service-defaults"
Name     = "web"
Protocol = "https"
