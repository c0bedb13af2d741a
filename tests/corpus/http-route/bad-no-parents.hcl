# Without Parents the route is attached to no gateway and never used.
Kind = "http-route"
Name = "orphan"
Rules = [
  {
    Services = [{ Name = "web" }]
  }
]
