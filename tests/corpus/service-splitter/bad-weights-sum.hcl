# 50 + 49.5 leaves half a percent of traffic nowhere.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight        = 50
    ServiceSubset = "v1"
  },
  {
    Weight        = 49.5
    ServiceSubset = "v2"
  },
]
