Kind = "api-gateway"
Name = "gateway"
Listeners = [
  {
    Name     = "app"
    Port     = 8080
    Protocol = "http"
    Hostname = "app.example.com"
    Default = {
      JWT = {
        Providers = [
          {
            Name = "okta"
          },
        ]
      }
    }
  },
  {
    Name     = "cache"
    Port     = 6379
    Protocol = "tcp"
  },
]
