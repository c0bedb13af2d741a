   Kind     = "service-resolver"
   Name     = "api"
   PrioritizeByLocality = {
       Mode = "failover"
   }
