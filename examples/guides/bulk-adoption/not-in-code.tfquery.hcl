# The connectors whose endpoint was not written from code: last changed in
# the portal's console, or through the API by something other than
# Terraform. A filter takes one value, so "not TERRAFORM" is two lists.
# `terraform query -generate-config-out=adopted.tf` writes an import block
# and a resource block for each of them (Terraform 1.14 or later).
list "jwo_store_connector" "console" {
  provider         = jwo
  include_resource = true

  config {
    last_changed_via = "CONSOLE"
  }
}

list "jwo_store_connector" "api" {
  provider         = jwo
  include_resource = true

  config {
    last_changed_via = "API"
  }
}
