Kind      = "service-defaults"
Name      = "web"
Namespace = "default"
Protocol  = "http"
