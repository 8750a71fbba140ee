# Every store of the token's merchant (all pages of the list).
data "jwo_stores" "all" {}

# JWO stores that still miss a connector.
data "jwo_stores" "incomplete" {
  store_type        = "JWO"
  completion_status = "INCOMPLETE"
}

# Stores that need an Ordering connector.
data "jwo_stores" "ordering" {
  method = "ORDERING"
}

output "stores_missing_connectors" {
  value = { for s in data.jwo_stores.incomplete.stores : s.id => s.missing_methods }
}
