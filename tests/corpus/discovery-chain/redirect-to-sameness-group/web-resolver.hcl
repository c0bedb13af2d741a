# web's traffic goes to the group: web in its first member (inventory-east), failing over to the
# next member (the peer's web), in member order.
Kind      = "service-resolver"
Name      = "web"
Partition = "store-east"
Redirect = {
  SamenessGroup = "shipping"
}
