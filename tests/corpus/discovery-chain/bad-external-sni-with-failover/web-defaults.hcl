Kind        = "service-defaults"
Name        = "web"
ExternalSNI = "web.example.com"
