# Naming a subset of api skips api's own splitter.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight        = 50
    Service       = "api"
    ServiceSubset = "stable"
  },
  {
    Weight = 50
  },
]
