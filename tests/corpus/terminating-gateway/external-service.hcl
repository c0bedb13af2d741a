# Link the gateway with the billing service; the last hop is plain TCP.
Kind = "terminating-gateway"
Name = "us-west-gateway"

Services = [
  {
    Name = "billing"
  }
]
