# Adopt a recorded run by its run id, e.g. one listed by the
# jwo_connectivity_tests data source (Terraform 1.5 or later).
import {
  to = jwo_connectivity_test.ordering
  id = "5f0c6a8e-2b7d-4c1e-9a3f-8d2e7b6c4a10"
}

resource "jwo_connectivity_test" "ordering" {
  store_id = "acme-sea-01"
  method   = "ORDERING"
  sku      = "WATER-500"
}
