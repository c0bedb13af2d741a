# Weights are percentages: 0, or 0.01 to 100.
Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 150, ServiceSubset = "v1" },
  { Weight = -50, ServiceSubset = "v2" },
]
