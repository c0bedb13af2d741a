# A router without routes still gets Consul's catch-all route.
Kind = "service-router"
Name = "web"
