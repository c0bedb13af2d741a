Kind      = "service-defaults"
Name      = "web"
Namespace = "frontend"
Protocol  = "http"
