# The page's "minimum" entry: a JWT requirement and no sources. Consul refuses it
# (ServiceIntentionsConfigEntry.validate: "At least one source is required").
Kind = "service-intentions"
Name = "web"
JWT = {
  Providers = [
    {
      Name = "okta"
    }
  ]
}
