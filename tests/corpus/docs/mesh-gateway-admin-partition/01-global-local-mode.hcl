# east-west/mesh-gateway/admin-partition.mdx: every mesh service through the local mesh gateway.
Kind = "proxy-defaults"
Name = "global"

MeshGateway { Mode = "local" }
