# Read a connector that another team (or the portal's web page) manages.
data "jwo_store_connector" "ordering" {
  store_id = "acme-sea-01"
  method   = "ORDERING"
}

output "ordering_endpoint" {
  value = {
    url                 = data.jwo_store_connector.ordering.endpoint_url
    type                = data.jwo_store_connector.ordering.endpoint_type
    connectivity_status = data.jwo_store_connector.ordering.connectivity_status
  }
}
