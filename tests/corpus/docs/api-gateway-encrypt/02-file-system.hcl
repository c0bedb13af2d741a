# The same certificate read from the gateway's disk.
Kind        = "file-system-certificate"
Name        = "my-certificate"
Certificate = "/opt/consul/tls/api-gateway.crt"
PrivateKey  = "/opt/consul/tls/api-gateway.key"
