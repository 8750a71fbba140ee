# The same gate on any Terraform 1.8+ or OpenTofu: the suite runs when the
# resource is created and again whenever the connector's version changes (a
# new endpoint); with fail_on_unsuccessful a required case that does not
# pass fails the apply, names the case, and keeps nothing in state, so the
# next apply runs the suite again.
resource "jwo_store_connector" "ordering" {
  store_id      = "acme-sea-01"
  method        = "ORDERING"
  endpoint_url  = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
  endpoint_type = "PUBLIC"
}

resource "jwo_connectivity_test" "ordering_conformance" {
  store_id             = jwo_store_connector.ordering.store_id
  method               = jwo_store_connector.ordering.method
  sku                  = "WATER-500"
  suite                = "CONFORMANCE"
  fail_on_unsuccessful = true

  triggers = {
    connector_version = jwo_store_connector.ordering.version
  }
}

output "ordering_cases" {
  value = { for c in jwo_connectivity_test.ordering_conformance.cases : c.id => c.status }
}
