# Every ORDERING connector of the merchant's JWO stores that failed its latest
# connectivity test.
data "jwo_store_connectors" "failing_ordering" {
  method              = "ORDERING"
  store_type          = "JWO"
  connectivity_status = "UNSUCCESSFUL"
}

output "failing_ordering_endpoints" {
  value = { for c in data.jwo_store_connectors.failing_ordering.connectors : c.id => c.endpoint_url }
}
