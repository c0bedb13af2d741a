# "Complete configuration" as the page writes it (its values are not placeholders). Header maps
# use `"X-Web-Version" : "from-v1"` inside `= { ... }` object values: HCL2 takes that, Consul's
# HCL1 parser does not (illegal char). meshgate reads HCL2 too, so it accepts this file.
Kind      = "service-splitter"
Name      = "config-entry-name"
Namespace = "main"
Partition = "partition"
Meta = {
  key = "value"
}
Splits = [
  {
    Weight        = 90
    Service       = "service"
    ServiceSubset = "v1"
    Namespace     = "target-namespace"
    Partition     = "target-partition"
    RequestHeaders = {
      Set = {
        "X-Web-Version" : "from-v1"
      }
    }
    ResponseHeaders = {
      Set = {
        "X-Web-Version" : "to-v1"
      }
    }
  },
  {
    Weight        = 10
    Service       = "service"
    ServiceSubset = "v2"
    Namespace     = "target-namespace"
    Partition     = "target-partition"
    RequestHeaders = {
      Set = {
        "X-Web-Version" : "from-v2"
      }
    }
    ResponseHeaders = {
      Set = {
        "X-Web-Version" : "to-v2"
      }
    }
  }
]
