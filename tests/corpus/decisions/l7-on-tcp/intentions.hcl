# Documented-invalid: `db` has no service-defaults and there is no proxy-defaults, so it speaks
# tcp, and Consul refuses L7 permissions for it: E0405 at the first permission, and no decisions
# (the plan is withheld). A gateway plan built otherwise still denies every connection from web
# (see ../tcp-ignores-http for tcp decisions).
Kind = "service-intentions"
Name = "db"
Sources = [
  { Name = "web", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/" } }] },
  { Name = "api", Action = "allow" },
]
