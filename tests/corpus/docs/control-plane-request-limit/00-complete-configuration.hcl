# "Complete configuration", the name placeholder replaced (see the README).
Kind = "control-plane-request-limit"
Name = "global"

Mode = "permissive"

ReadRate =  100
WriteRate = 100

KV = {
  ReadRate =  100
  WriteRate = 100
}

ACL = {
  ReadRate =  100
  WriteRate = 100
}

Catalog = {
  ReadRate =  100
  WriteRate = 100
}
