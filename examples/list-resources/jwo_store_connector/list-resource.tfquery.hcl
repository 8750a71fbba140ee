# The ORDERING connectors of the merchant's JWO stores, each with its whole
# resource, so that `terraform query -generate-config-out=adopted.tf` writes
# an import block and a resource block per connector (Terraform 1.14 or later).
list "jwo_store_connector" "ordering" {
  provider         = jwo
  include_resource = true

  config {
    method     = "ORDERING"
    store_type = "JWO"
  }
}
