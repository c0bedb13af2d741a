# Half of web goes to api, whose own splitter splits it in thirds: weights multiply.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight  = 50
    Service = "api"
    RequestHeaders {
      Set {
        x-from = "web"
      }
    }
  },
  {
    Weight = 50
  },
]
