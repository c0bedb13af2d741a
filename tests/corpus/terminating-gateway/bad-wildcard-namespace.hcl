# "*" may stand for every service of a namespace, not for every namespace.
Kind = "terminating-gateway"
Name = "us-west-gateway"
Services = [
  {
    Namespace = "*"
    Name      = "*"
  }
]
