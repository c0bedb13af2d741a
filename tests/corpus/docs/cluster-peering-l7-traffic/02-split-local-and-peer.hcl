  Kind = "service-splitter"
  Name = "frontend"
  Splits = [
    {
      Weight  = 50
      ## no Service: the entry's own (frontend)
    },
    {
      Weight  = 50
      Service = "frontend-peer"
    },
  ]
