variable "connector_url" {
  description = "Base URL of the retailer's connector, e.g. an API Gateway stage's invoke URL. The demo uses the sample connector on loopback (a portal in --dev mode accepts http there)."
  type        = string
}

variable "api_gateway_endpoint_type" {
  description = "Endpoint configuration type of the API Gateway behind connector_url: EDGE or REGIONAL (a public API) or PRIVATE (reached through a VPC endpoint)."
  type        = string
  default     = "REGIONAL"
}

variable "ordering_sku" {
  description = "SKU of an item in each ordering store's catalog, put in the cart of the ORDERING test."
  type        = string
  default     = "WATER-500"
}

variable "broken_connector" {
  description = "Demo only: the connector (\"STORE_ID/METHOD\") that gets broken_url instead of connector_url."
  type        = string
  default     = ""
}

variable "broken_url" {
  description = "Demo only: an endpoint where nothing answers, so that the test of broken_connector is recorded UNSUCCESSFUL. Leave it null in real use."
  type        = string
  default     = null
}
