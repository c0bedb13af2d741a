# Level 2 is the proxy registration (billing.json). `api` sets no mode anywhere, so
# proxy-defaults decides — and an upstream in the same datacenter is dialled directly whatever the mode.
service {
  name = "api"
  port = 9090
  connect {
    sidecar_service {
      port = 21001
      proxy {
        upstreams = [
          { destination_name = "inventory", datacenter = "secondary", local_bind_port = 11000 },
          { destination_name = "users", local_bind_port = 11001 },
        ]
      }
    }
  }
}
