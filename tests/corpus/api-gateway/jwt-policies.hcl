# Consul's "Configure JWT verification settings": every route on listener-one needs an okta
# token for api.apps.organization.com, and by default the user role.
Kind = "api-gateway"
Name = "api-gateway"
Listeners = [
    {
        name     = "listener-one"
        port     = 9001
        protocol = "http"
        override = {
            JWT = {
                Providers = [
                    {
                        Name = "okta",
                        VerifyClaims = {
                            Path = ["aud"],
                            Value = "api.apps.organization.com",
                        }
                    },
                ]
            }
        }
        default = {
            JWT = {
                Providers = [
                     {
                        Name = "okta",
                        VerifyClaims = {
                            Path = ["perms", "role"],
                            Value = "user",
                        }
                    }
                ]
            }
        }
    }
]
