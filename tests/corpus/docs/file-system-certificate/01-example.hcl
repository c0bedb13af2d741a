Kind                     = "file-system-certificate"
Name                     = "tls-certificate"
Certificate              = "/opt/consul/tls/api-gateway.crt"
PrivateKey               = "/opt/consul/tls/api-gateway.key"
