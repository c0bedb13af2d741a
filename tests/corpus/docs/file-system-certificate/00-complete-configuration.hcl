# "Complete configuration", placeholders replaced (see the README).
Kind = "file-system-certificate"
Name = "tls-certificate"
Namespace = "ns"
Partition = "default"
Meta = {
	"team" = "edge"
}

Certificate = "/opt/consul/tls/api-gateway.crt"
PrivateKey = "/opt/consul/tls/api-gateway.key"
