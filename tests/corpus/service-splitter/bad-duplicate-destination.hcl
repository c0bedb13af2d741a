# Split 3 names the same destination as split 1 (an empty Service is the splitter's own).
Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 50, ServiceSubset = "v1" },
  { Weight = 25, ServiceSubset = "v2" },
  { Weight = 25, Service = "web", ServiceSubset = "v1" },
]
