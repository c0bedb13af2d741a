# Consul's reference example, with its placeholders still in place.
Kind        = "inline-certificate"
Name        = "tls-certificate"
Certificate = "<complete-public-certificate>"
PrivateKey  = "<complete-private-key>"
