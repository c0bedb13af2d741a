# As the page writes it: `"X-Web-Version": "v1"` inside an HCL block. The colon is not HCL
# (Consul's HCL parser: illegal char), so Consul refuses this tab; the JSON tab is fine.
Kind = "service-splitter"
Name = "web"
Splits = [
  {
    Weight        = 90
    ServiceSubset = "v1"
    ResponseHeaders {
      Set {
        "X-Web-Version": "v1"
      }
    }
  },
  {
    Weight        = 10
    ServiceSubset = "v2"
    ResponseHeaders {
      Set {
        "X-Web-Version": "v2"
      }
    }
  },
]
