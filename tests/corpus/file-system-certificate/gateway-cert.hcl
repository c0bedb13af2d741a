# Paths on the api-gateway's own disk, not PEM text: the shape of the reference's example.
# https://developer.hashicorp.com/consul/docs/reference/config-entry/file-system-certificate
Kind        = "file-system-certificate"
Name        = "gateway-cert"
Meta = {
  env = "production"
}
Certificate = "/opt/consul/tls/api-gateway.crt"
PrivateKey  = "/opt/consul/tls/api-gateway.key"
