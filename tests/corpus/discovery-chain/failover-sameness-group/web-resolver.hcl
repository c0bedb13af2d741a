# The members become web's failover targets in member order; store-east is web's own target.
Kind      = "service-resolver"
Name      = "web"
Partition = "store-east"
Failover = {
  "*" = {
    SamenessGroup = "products-api"
  }
}
