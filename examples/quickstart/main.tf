# Quickstart: configure every connector that the merchant's stores require,
# test each one, and report completion. `make demo` applies this against a
# local portal; against a real one, set JWO_ENDPOINT and JWO_TOKEN (an
# operator token) and point connector_url at your API Gateway stage.

terraform {
  required_version = ">= 1.8" # provider functions
  required_providers {
    jwo = {
      source = "justwalkout/jwo"
    }
  }
}

# Endpoint and token come from JWO_ENDPOINT and JWO_TOKEN.
provider "jwo" {}

# Every store of the token's merchant, with the methods each one requires.
data "jwo_stores" "all" {}

locals {
  # One entry per required method of every store, keyed "STORE_ID/METHOD".
  # A store that requires nothing (NOT_REQUIRED) adds no entry.
  connectors = merge([
    for s in data.jwo_stores.all.stores : {
      for m in s.required_methods : "${s.id}/${m}" => {
        store_id = s.id
        method   = m
      }
    }
  ]...)

  endpoint_type = provider::jwo::endpoint_type(var.api_gateway_endpoint_type)
}

resource "jwo_store_connector" "this" {
  for_each = local.connectors

  store_id = each.value.store_id
  method   = each.value.method
  # Amazon appends the method's path (e.g. /v1/order/purchases), so one base
  # URL can serve all four methods.
  endpoint_url  = each.key == var.broken_connector && var.broken_url != null ? var.broken_url : var.connector_url
  endpoint_type = local.endpoint_type
}

# One test per connector. It runs when the connector is created and again
# whenever its endpoint changes (the version goes up); otherwise the recorded
# run stays as it is. An UNSUCCESSFUL run is recorded, not fatal: set
# fail_on_unsuccessful = true to stop the apply instead.
resource "jwo_connectivity_test" "this" {
  for_each = jwo_store_connector.this

  store_id = each.value.store_id
  method   = each.value.method
  sku      = each.value.method == "ORDERING" ? var.ordering_sku : null
  triggers = {
    version = tostring(each.value.version)
  }
}

# Read after the connectors are saved, so that it shows their effect.
data "jwo_completion_status" "all" {
  depends_on = [jwo_store_connector.this]
}
