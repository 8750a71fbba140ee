# The five latest test runs of a connector, newest first.
data "jwo_connectivity_tests" "ordering" {
  store_id = "acme-sea-01"
  method   = "ORDERING"
  limit    = 5
}

output "latest_ordering_test" {
  value = try({
    status  = data.jwo_connectivity_tests.ordering.tests[0].status
    reason  = data.jwo_connectivity_tests.ordering.tests[0].reason
    message = data.jwo_connectivity_tests.ordering.tests[0].message
  }, null)
}
