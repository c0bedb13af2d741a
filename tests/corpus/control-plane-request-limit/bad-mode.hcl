# Mode is permissive, enforcing or disabled.
# https://developer.hashicorp.com/consul/docs/connect/config-entries/control-plane-request-limit
Kind     = "control-plane-request-limit"
Name     = "control-plane-limits"
Mode     = "enforce"
ReadRate = 500
