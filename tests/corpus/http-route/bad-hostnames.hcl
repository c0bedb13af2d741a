Kind = "http-route"
Name = "web"
Hostnames = ["*.example.com", "example.com:443"]
Parents = [{ Name = "public" }]
Rules = [{ Services = [{ Name = "web" }] }]
