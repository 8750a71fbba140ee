resource "jwo_store_connector" "ordering" {
  store_id      = "acme-sea-01"
  method        = "ORDERING"
  endpoint_url  = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod"
  endpoint_type = "PUBLIC"
}

# Runs a test whenever the saved endpoint changes, and fails the apply when
# the connector cannot be reached or does not answer with JSON.
resource "jwo_connectivity_test" "ordering" {
  store_id = jwo_store_connector.ordering.store_id
  method   = jwo_store_connector.ordering.method
  sku      = "WATER-500" # an item of the store's catalog; ORDERING only

  triggers = {
    endpoint_version = jwo_store_connector.ordering.version
  }

  fail_on_unsuccessful = true

  timeouts {
    create = "2m"
  }
}

output "ordering_test" {
  value = {
    status      = jwo_connectivity_test.ordering.status
    http_status = jwo_connectivity_test.ordering.http_status
    latency_ms  = jwo_connectivity_test.ordering.latency_ms
  }
}
