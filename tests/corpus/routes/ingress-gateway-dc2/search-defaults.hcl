Kind     = "service-defaults"
Name     = "search"
Protocol = "grpc"
