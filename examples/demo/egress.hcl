Kind = "terminating-gateway"
Name = "egress"
Services = [
  { Name = "payments-legacy" },
]
