Kind = "service-splitter"
Name = "api"
Splits = [
  { Weight = 90 },
  { Weight = 10, Service = "canary" },
]
