data "jwo_store" "seattle" {
  id = "acme-sea-01"
}

output "seattle" {
  value = {
    required_methods  = data.jwo_store.seattle.required_methods
    completion_status = data.jwo_store.seattle.completion_status
    endpoints         = { for c in data.jwo_store.seattle.connectors : c.method => c.endpoint_url }
  }
}
