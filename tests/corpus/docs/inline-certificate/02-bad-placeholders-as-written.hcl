# The example exactly as the page writes it, placeholders kept: Consul parses Certificate and
# PrivateKey as PEM and refuses these.
Kind                     = "inline-certificate"
Name                     = "tls-certificate"
Certificate              = "<complete-public-certificate>"
PrivateKey               = "<complete-private-key>"
