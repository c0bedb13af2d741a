Kind = "service-router"
Name = "api"
Routes = [
  {
    Match { HTTP { PathPrefix = "/admin" } }
    Destination { Service = "admin" }
  },
  {
    Match { HTTP { PathPrefix = "/v1/" } }
    Destination { PrefixRewrite = "/internal/" }
  },
]
