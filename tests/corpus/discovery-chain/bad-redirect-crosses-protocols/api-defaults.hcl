Kind     = "service-defaults"
Name     = "api"
Protocol = "grpc"
