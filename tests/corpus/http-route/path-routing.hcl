# /api goes 90/10 to two versions of the API; everything else to the website.
Kind = "http-route"
Name = "public-routes"

Parents = [
  {
    Kind        = "api-gateway"
    Name        = "public"
    SectionName = "web"
  }
]

Rules = [
  {
    Matches = [
      {
        Path = {
          Match = "prefix"
          Value = "/api"
        }
      }
    ]
    Services = [
      {
        Name   = "api-v2"
        Weight = 90
      },
      {
        Name   = "api-v1"
        Weight = 10
      }
    ]
  },
  {
    Services = [
      {
        Name = "website"
      }
    ]
  }
]
