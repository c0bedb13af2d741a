# The reference's complete configuration.
# https://developer.hashicorp.com/consul/docs/connect/config-entries/control-plane-request-limit
Kind      = "control-plane-request-limit"
Name      = "control-plane-limits"
Mode      = "permissive"
ReadRate  = 100
WriteRate = 100
KV = {
  ReadRate  = 100
  WriteRate = 100
}
ACL = {
  ReadRate  = 100
  WriteRate = 100
}
Catalog = {
  ReadRate  = 100
  WriteRate = 100
}
