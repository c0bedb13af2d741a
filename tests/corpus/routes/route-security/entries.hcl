Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
