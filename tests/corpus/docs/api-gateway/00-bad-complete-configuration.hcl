# "Complete configuration", placeholders replaced (see the README). As the page writes it, JWT
# Providers lists `Name = ...` assignments directly inside `[ ]`, which is not HCL.
Kind = "api-gateway"
Name = "api-gateway"
Namespace = "default"
Partition = "default"

Meta = {
  team = "edge"
}

Listeners = [
  {
    Port = 8443
    Name = "listener-one"
    Protocol = "http"
    TLS = {
      MaxVersion = "TLSv1_3"
      MinVersion = "TLSv1_2"
      CipherSuites = [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
      ]
      Certificates = [
        {
          Kind = "file-system-certificate"
          Name = "gateway-cert"
          Namespace = "default"
          Partition = "default"
        }
      ]
    }
    default = {
     JWT = {
      Providers = [
        Name = "okta"
        VerifyClaims = {
          Path = ["aud"]
          Value = "api.apps.organization.com"
        }
      ]
     }
    }
    override = {
     JWT = {
      Providers = [
        Name = "okta"
        VerifyClaims = {
          Path = ["perms", "role"]
          Value = "admin"
        }
      ]
     }
    }
  }
]
