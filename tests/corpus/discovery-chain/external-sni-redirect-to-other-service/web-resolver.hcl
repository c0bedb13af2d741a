# Consul checks ExternalSNI on the service a target finally resolves to, with that service's
# resolver: this redirect leaves web for web-v2, which is not external, so the chain compiles.
Kind = "service-resolver"
Name = "web"
Redirect {
  Service = "web-v2"
}
