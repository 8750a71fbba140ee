terraform {
  required_providers {
    jwo = {
      source = "justwalkout/jwo"
    }
  }
}

# Endpoint and token may come from JWO_ENDPOINT and JWO_TOKEN instead, which
# keeps the token out of the configuration.
provider "jwo" {
  endpoint        = "https://portal.example.com"
  token           = var.jwo_token
  request_timeout = "30s"
  max_retries     = 4
}

variable "jwo_token" {
  description = "Portal API token with the operator role."
  type        = string
  sensitive   = true
}
