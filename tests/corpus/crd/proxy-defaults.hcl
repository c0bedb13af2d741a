# What consul-k8s writes for proxy-defaults.crd.yaml.
Kind = "proxy-defaults"
Name = "global"
Config {
  protocol                 = "http"
  local_connect_timeout_ms = 2000
}
MeshGateway {
  Mode = "local"
}
MutualTLSMode = "strict"
AccessLogs {
  Enabled = true
  Type    = "file"
  Path    = "/var/log/envoy/access.log"
}
Expose {
  Checks = true
}
