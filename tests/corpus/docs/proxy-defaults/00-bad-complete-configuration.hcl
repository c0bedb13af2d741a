# "Complete configuration", placeholders replaced (see the README). As the page writes them,
# EnvoyExtensions' Required is the string "required" (a boolean field) and Arguments a string
# (a map field), and AccessLogs sets both JSONFormat and TextFormat.
Kind      = "proxy-defaults"
Name      = "global"
Namespace = "default"
Meta {
  team = "platform"
}
Config {
  protocol = "http"
}
EnvoyExtensions = [
  {
    Name= "builtin/lua"
    Required = "required"
    Arguments = "inbound"
    ConsulVersion = ">= 1.16.0"
    EnvoyVersion = ">= 1.26.0"
  }
]
Mode = "transparent"
TransparentProxy {
  OutboundListenerPort = 15001
  DialedDirectly       = false
}
MutualTLSMode = "strict"
MeshGateway {
  Mode = "local"
}
Expose {
  Checks = true

  Paths = [
    {
      Path          = "/metrics"
      LocalPathPort = 8080
      ListenerPort  = 21500
      Protocol      = "http"
    }
  ]
}
PrioritizeByLocality = {
   Mode = "failover"
}
AccessLogs {
  Enabled              = true
  DisableListenerLogs  = false
  Type                 = "file"
  Path                 = "/var/log/envoy/access.log"
  JSONFormat           = "{\"start\": \"%START_TIME%\"}"
  TextFormat           = "%START_TIME%"
}
