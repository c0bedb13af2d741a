# billing names the group in its own failover.
Kind = "service-resolver"
Name = "billing"
Failover = {
  "*" = {
    SamenessGroup = "prod"
  }
}
