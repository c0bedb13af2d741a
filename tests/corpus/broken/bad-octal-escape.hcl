Kind = "service-defaults"
Name = "web"
Meta {
  # HCL1 octal escapes take exactly three digits: `\0` alone is not one.
  owner = "team\0"
}
