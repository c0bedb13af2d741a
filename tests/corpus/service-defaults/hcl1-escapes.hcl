# The string escapes of Consul's HCL (hashicorp/hcl v1), which unquotes as Go does: octal `\NNN`,
# `\xHH` (each one byte; together they may spell a UTF-8 character), `\a \b \f \v`, `\uXXXX`,
# `\UXXXXXXXX`, and `\n \r \t \" \\`.
Kind = "service-defaults"
Name = "web"
Meta {
  octal   = "caf\303\251 \101\102\103"
  hex     = "caf\xc3\xa9 \x41\x42\x43"
  unicode = "caf\u00e9 \U0001F600"
  control = "\a\b\f\v\n\r\t"
  quoted  = "say \"hi\" C:\\dir"
}
