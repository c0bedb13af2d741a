# Weights are kept to 0.01: three ways as 33.33 + 33.33 + 33.34.
Kind = "service-splitter"
Name = "billing"
Splits = [
  { Weight = 33.33, ServiceSubset = "blue" },
  { Weight = 33.33, ServiceSubset = "green" },
  { Weight = 33.34, ServiceSubset = "red" },
]
