# Every change of the endpoint runs the ORDERING conformance suite against
# it, and a required case that does not pass fails the apply (Terraform 1.14
# or later). Nothing is kept in state: the next endpoint change runs it again.
resource "jwo_store_connector" "ordering" {
  store_id      = "acme-sea-01"
  method        = "ORDERING"
  endpoint_url  = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
  endpoint_type = "PUBLIC"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.jwo_run_connectivity_test.ordering_conformance]
    }
  }
}

action "jwo_run_connectivity_test" "ordering_conformance" {
  config {
    store_id = "acme-sea-01"
    method   = "ORDERING"
    sku      = "WATER-500"
    suite    = "CONFORMANCE"
  }
}
