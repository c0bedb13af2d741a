Kind = "service-splitter"
Name = "api"
Splits = [
  {
    Weight = 33.33
  },
  {
    Weight  = 33.33
    Service = "api-v2"
    RequestHeaders {
      Set {
        x-from = "api"
        x-v    = "2"
      }
    }
  },
  {
    Weight  = 33.34
    Service = "api-v3"
  },
]
