# All stores of the merchant, with totals.
data "jwo_completion_status" "all" {}

# One store.
data "jwo_completion_status" "seattle" {
  store_id = "acme-sea-01"
}

output "rollout" {
  value = {
    complete   = "${data.jwo_completion_status.all.complete} of ${data.jwo_completion_status.all.total}"
    incomplete = data.jwo_completion_status.all.incomplete_store_ids
    seattle    = data.jwo_completion_status.seattle.stores[0].missing_methods
  }
}

# Fail the plan while any store still misses a connector.
check "every_store_complete" {
  assert {
    condition     = data.jwo_completion_status.all.incomplete == 0
    error_message = "Stores missing connectors: ${join(", ", data.jwo_completion_status.all.incomplete_store_ids)}"
  }
}
