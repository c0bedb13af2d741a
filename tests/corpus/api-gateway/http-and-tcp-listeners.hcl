# An HTTP listener for every host and a TCP listener for a database.
Kind = "api-gateway"
Name = "public"

Listeners = [
  {
    Name     = "web"
    Port     = 8080
    Protocol = "http"
  },
  {
    Name     = "postgres"
    Port     = 5432
    Protocol = "tcp"
  }
]
