Kind     = "service-defaults"
Name     = "web"
Protocol = "tcp"
