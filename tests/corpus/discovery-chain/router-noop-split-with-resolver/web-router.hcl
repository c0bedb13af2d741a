# A router with only its implicit catch-all, in front of a one-split splitter and a resolver.
Kind = "service-router"
Name = "web"
