# A public (regional or edge-optimized) API Gateway stage.
resource "jwo_store_connector" "ordering" {
  store_id      = "acme-sea-01"
  method        = "ORDERING"
  endpoint_url  = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod"
  endpoint_type = "PUBLIC"
}

# A private API Gateway, reached through a VPC endpoint: its host ends in
# .vpce.amazonaws.com, so the type must be PRIVATE.
resource "jwo_store_connector" "identity" {
  store_id      = "acme-sea-01"
  method        = "IDENTITY"
  endpoint_url  = "https://f6g7h8i9j0-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com/prod"
  endpoint_type = "PRIVATE"
}

# A custom domain in front of the API Gateway.
resource "jwo_store_connector" "loyalty" {
  store_id      = "acme-sea-01"
  method        = "LOYALTY"
  endpoint_url  = "https://loyalty.connectors.example.com"
  endpoint_type = "PUBLIC"
}
