# Set the default protocol of the `web` service, so routers, splitters and L7 intentions apply.
Kind      = "service-defaults"
Name      = "web"
Namespace = "default"
Protocol  = "http"
