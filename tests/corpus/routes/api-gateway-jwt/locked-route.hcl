# The lone service's own filter (auth0) loses to the listener's Override.
Kind    = "http-route"
Name    = "locked"
Parents = [{ Name = "api-gw", SectionName = "locked" }]
Rules = [
  {
    Services = [{ Name = "web", Filters = { JWT = { Providers = [{ Name = "auth0" }] } } }]
  },
]
