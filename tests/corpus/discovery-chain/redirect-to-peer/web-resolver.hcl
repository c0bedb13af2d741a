Kind = "service-resolver"
Name = "web"
Redirect {
  Service = "web"
  Peer    = "cluster-02"
}
