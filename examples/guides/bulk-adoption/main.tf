# Adopts every connector that the portal already holds (configured by hand in
# its Connector Configurations page) into this configuration: one import
# block for all of them, one resource block with for_each.
terraform {
  required_version = ">= 1.7.0"
}

data "jwo_store_connectors" "existing" {}

locals {
  # Keyed by "STORE_ID/METHOD", the import id of jwo_store_connector.
  existing_connectors = { for c in data.jwo_store_connectors.existing.connectors : c.id => c }
}

import {
  for_each = local.existing_connectors
  to       = jwo_store_connector.adopted[each.key]
  id       = each.key
}

resource "jwo_store_connector" "adopted" {
  for_each = local.existing_connectors

  store_id      = each.value.store_id
  method        = each.value.method
  endpoint_url  = each.value.endpoint_url
  endpoint_type = each.value.endpoint_type
}
