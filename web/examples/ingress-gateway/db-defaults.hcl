Kind     = "service-defaults"
Name     = "db"
Protocol = "tcp"
