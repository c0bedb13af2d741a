Kind = "api-gateway"
Name = "public"
