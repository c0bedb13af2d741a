# The page names the entry "product-sg-export"; an exported-services entry is named after its
# partition (Consul refuses any other name).
Kind                     = "exported-services"
Name                   = "product-sg-export"
Partition                = "partition-1"
Services = [
  {
    Name = "api"
    Namespace = "store"
    Consumers = [
        {SamenessGroup="product-group"}
      ]
    }
 ]
