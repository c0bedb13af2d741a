# Evaluated in namespace frontend: splits without a namespace stay there.
Kind      = "service-splitter"
Name      = "web"
Namespace = "frontend"
Splits = [
  {
    Weight        = 50
    ServiceSubset = "blue"
  },
  {
    Weight        = 50
    ServiceSubset = "green"
  },
]
