# Illustrative: an Ordering connector served by an AWS API Gateway, and its
# registration in the Just Walk Out portal, in one configuration. The
# connector's URL and type come from the API Gateway itself, so they can never
# drift apart. Not run by the project's tests (it needs an AWS account).

terraform {
  required_version = ">= 1.8" # provider functions
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    jwo = {
      source = "justwalkout/jwo"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "store_id" {
  description = "The Just Walk Out store whose Ordering connector this API serves."
  type        = string
  default     = "acme-sea-01"
}

variable "api_gateway_endpoint_type" {
  description = "REGIONAL or EDGE for a public API, PRIVATE for one reached through a VPC endpoint."
  type        = string
  default     = "REGIONAL"
}

variable "vpc_endpoint_ids" {
  description = "VPC endpoints of a PRIVATE API (execute-api interface endpoints)."
  type        = list(string)
  default     = []
}

variable "amazon_caller_role_arn" {
  description = "The IAM role Amazon assumes to call the connector; the API's resource policy allows it."
  type        = string
}

variable "ordering_lambda_invoke_arn" {
  description = "Invoke ARN of the Lambda function that implements POST /v1/order/purchases."
  type        = string
}

variable "test_sku" {
  description = "An item of the store's catalog, used in the Ordering connectivity test."
  type        = string
  default     = "WATER-500"
}

provider "aws" {
  region = var.region
}

# Endpoint and token come from JWO_ENDPOINT and JWO_TOKEN.
provider "jwo" {}

# ---- the retailer's API -----------------------------------------------------

resource "aws_api_gateway_rest_api" "ordering" {
  name = "jwo-ordering-${var.store_id}"

  endpoint_configuration {
    types            = [var.api_gateway_endpoint_type]
    vpc_endpoint_ids = var.api_gateway_endpoint_type == "PRIVATE" ? var.vpc_endpoint_ids : null
  }
}

# Only Amazon's role may call the API (IAM authorization).
resource "aws_api_gateway_rest_api_policy" "ordering" {
  rest_api_id = aws_api_gateway_rest_api.ordering.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.amazon_caller_role_arn }
      Action    = "execute-api:Invoke"
      Resource  = "${aws_api_gateway_rest_api.ordering.execution_arn}/*"
    }]
  })
}

# POST /v1/order/purchases: the path Amazon appends to the connector's URL.
resource "aws_api_gateway_resource" "v1" {
  rest_api_id = aws_api_gateway_rest_api.ordering.id
  parent_id   = aws_api_gateway_rest_api.ordering.root_resource_id
  path_part   = "v1"
}

resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.ordering.id
  parent_id   = aws_api_gateway_resource.v1.id
  path_part   = "order"
}

resource "aws_api_gateway_resource" "purchases" {
  rest_api_id = aws_api_gateway_rest_api.ordering.id
  parent_id   = aws_api_gateway_resource.order.id
  path_part   = "purchases"
}

resource "aws_api_gateway_method" "purchases_post" {
  rest_api_id   = aws_api_gateway_rest_api.ordering.id
  resource_id   = aws_api_gateway_resource.purchases.id
  http_method   = "POST"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_integration" "purchases_post" {
  rest_api_id             = aws_api_gateway_rest_api.ordering.id
  resource_id             = aws_api_gateway_resource.purchases.id
  http_method             = aws_api_gateway_method.purchases_post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.ordering_lambda_invoke_arn
}

resource "aws_api_gateway_deployment" "ordering" {
  rest_api_id = aws_api_gateway_rest_api.ordering.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.purchases.id,
      aws_api_gateway_method.purchases_post.id,
      aws_api_gateway_integration.purchases_post.id,
      aws_api_gateway_rest_api_policy.ordering.policy,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.ordering.id
  deployment_id = aws_api_gateway_deployment.ordering.id
  stage_name    = "prod"
}

# ---- its registration in the portal -------------------------------------------

resource "jwo_store_connector" "ordering" {
  store_id = var.store_id
  method   = "ORDERING"
  # https://{api-id}.execute-api.{region}.amazonaws.com/prod
  endpoint_url = aws_api_gateway_stage.prod.invoke_url
  # EDGE or REGIONAL -> PUBLIC, PRIVATE -> PRIVATE
  endpoint_type = provider::jwo::endpoint_type(aws_api_gateway_rest_api.ordering.endpoint_configuration[0].types[0])
}

# A new test after every deployment or endpoint change; a connector that
# cannot be reached fails the apply.
resource "jwo_connectivity_test" "ordering" {
  store_id = jwo_store_connector.ordering.store_id
  method   = jwo_store_connector.ordering.method
  sku      = var.test_sku

  triggers = {
    deployment       = aws_api_gateway_deployment.ordering.id
    endpoint_version = jwo_store_connector.ordering.version
  }

  fail_on_unsuccessful = true
}

data "jwo_completion_status" "store" {
  store_id   = var.store_id
  depends_on = [jwo_store_connector.ordering]
}

output "connector" {
  value = {
    endpoint_url      = jwo_store_connector.ordering.endpoint_url
    endpoint_type     = jwo_store_connector.ordering.endpoint_type
    test_status       = jwo_connectivity_test.ordering.status
    test_latency_ms   = jwo_connectivity_test.ordering.latency_ms
    completion_status = data.jwo_completion_status.store.stores[0].completion_status
    missing_methods   = data.jwo_completion_status.store.stores[0].missing_methods
  }
}
