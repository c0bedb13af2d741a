# Two `Kind` keys: which one a reader honours differs (Go's JSON decoder takes the last), so it is an error.
Kind = "service-defaults"
Name = "web"
kind = "proxy-defaults"
