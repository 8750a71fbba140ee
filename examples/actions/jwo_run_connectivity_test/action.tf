# Test the connector after it is created and after every change of its
# endpoint; an UNSUCCESSFUL run fails the apply (Terraform 1.14 or later).
resource "jwo_store_connector" "ordering" {
  store_id      = "acme-sea-01"
  method        = "ORDERING"
  endpoint_url  = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
  endpoint_type = "PUBLIC"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.jwo_run_connectivity_test.ordering]
    }
  }
}

action "jwo_run_connectivity_test" "ordering" {
  config {
    store_id = "acme-sea-01"
    method   = "ORDERING"
    sku      = "WATER-500" # an item of the store's catalog; ORDERING only
  }
}
