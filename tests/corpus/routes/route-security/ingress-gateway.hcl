# TLS for every listener (Consul-issued certificate, here <cert-dir>/ingress.pem), at least TLS 1.2;
# the listener on 8443 narrows it to TLS 1.3 only.
Kind = "ingress-gateway"
Name = "ingress"
TLS { Enabled = true, TLSMinVersion = "TLSv1_2" }
Listeners = [{
  Port = 8443
  Protocol = "http"
  TLS { TLSMinVersion = "TLSv1_3", CipherSuites = [] }
  Services = [
    { Name = "web", Hosts = ["www.example.com"] },
  ]
}]
