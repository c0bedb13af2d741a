# Failing over to backup really means backup-v2 in dc2.
Kind = "service-resolver"
Name = "backup"
Redirect {
  Service    = "backup-v2"
  Datacenter = "dc2"
}
