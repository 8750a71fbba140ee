# Adopt a connector that was configured in the portal by its resource identity
# (Terraform and OpenTofu 1.12 or later).
import {
  to = jwo_store_connector.ordering
  identity = {
    store_id = "acme-sea-01"
    method   = "ORDERING"
  }
}

resource "jwo_store_connector" "ordering" {
  store_id      = "acme-sea-01"
  method        = "ORDERING"
  endpoint_url  = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod"
  endpoint_type = "PUBLIC"
}
