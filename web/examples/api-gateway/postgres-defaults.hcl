Kind     = "service-defaults"
Name     = "postgres"
Protocol = "tcp"
