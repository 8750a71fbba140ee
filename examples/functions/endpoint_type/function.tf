# "EDGE" and "REGIONAL" give "PUBLIC"; "PRIVATE" gives "PRIVATE".
output "regional" {
  value = provider::jwo::endpoint_type("REGIONAL") # "PUBLIC"
}

# Typical use: take the type from the API Gateway the connector points to.
resource "jwo_store_connector" "ordering" {
  store_id      = "acme-sea-01"
  method        = "ORDERING"
  endpoint_url  = aws_api_gateway_stage.prod.invoke_url
  endpoint_type = provider::jwo::endpoint_type(aws_api_gateway_rest_api.ordering.endpoint_configuration[0].types[0])
}
