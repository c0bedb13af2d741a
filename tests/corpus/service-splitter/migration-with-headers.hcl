# Moving traffic from the old checkout to its rewrite in another namespace; each side is
# tagged so the two can be told apart in logs.
Kind      = "service-splitter"
Name      = "checkout"
Namespace = "shop"
Meta = {
  ticket = "SHOP-1234"
}
Splits = [
  {
    Weight = 75
    RequestHeaders {
      Set = {
        "x-checkout-impl" = "legacy"
      }
    }
  },
  {
    Weight        = 25
    Service       = "checkout-v2"
    ServiceSubset = "stable"
    Namespace     = "shop-next"
    RequestHeaders {
      Set = {
        "x-checkout-impl" = "v2"
      }
    }
    ResponseHeaders {
      Add = {
        "x-served-by" = "checkout-v2"
      }
      Remove = ["server"]
    }
  },
]
