Kind           = "service-resolver"
Name           = "product-api"
Namespace      = "primary"
ConnectTimeout = "0s"
Failover = {
  "*" = {
    Service   = "product-api-backup"
    Namespace = "secondary"
  }
}
