Kind = "service-route"
Name = "web"
