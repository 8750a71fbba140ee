output "completion" {
  description = "Per store: its completion status, the methods it requires and those still missing."
  value = {
    for s in data.jwo_completion_status.all.stores : s.store_id => {
      status           = s.completion_status
      required_methods = s.required_methods
      missing_methods  = s.missing_methods
    }
  }
}

output "connectivity_tests" {
  description = "Per connector (\"STORE_ID/METHOD\"): the latest test run and its outcome."
  value = {
    for k, t in jwo_connectivity_test.this : k => {
      endpoint_url = t.endpoint_url
      status       = t.status
      reason       = t.reason
      message      = t.message
      http_status  = t.http_status
      latency_ms   = t.latency_ms
    }
  }
}
