# The same question on Terraform 1.7 to 1.13 and OpenTofu: every connector
# whose endpoint was last changed through anything but Terraform.
data "jwo_store_connectors" "all" {}

output "not_in_code" {
  value = sort([for c in data.jwo_store_connectors.all.connectors : c.id if c.last_changed_via != "TERRAFORM"])
}
