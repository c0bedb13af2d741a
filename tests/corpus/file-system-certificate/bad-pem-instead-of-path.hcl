# The certificate pasted in, as an inline-certificate takes it: a file-system-certificate takes paths.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/file-system-certificate
Kind        = "file-system-certificate"
Name        = "gateway-cert"
Certificate = <<EOF
-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUQk9HVVMtVEVTVC1DRVJUSUZJQ0FURTAKBggqhkjOPQQD
-----END CERTIFICATE-----
EOF
PrivateKey  = "/opt/consul/tls/api-gateway.key"
