# north-south/api-gateway/vm/listener.mdx.
Kind = "api-gateway"
Name = "my-gateway"

// One port per listener
Listeners = [
	{
		Port = 8443
		Name = "my-http-listener"
		Protocol = "http"
		TLS = {
			Certificates = [
				{
					Kind = "inline-certificate"
					Name = "my-certificate"
				}
			]
		}
	}
]
