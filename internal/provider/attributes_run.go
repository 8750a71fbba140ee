package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// runDocs describe a connectivity test run's attributes for the
// jwo_connectivity_test resource, the runs that jwo_connectivity_tests lists
// and the arguments of the jwo_run_connectivity_test action.
var runDocs = attributeDocs{
	"id":            "Id of the run: the import id of the `jwo_connectivity_test` resource.",
	"store_id":      "Id of the store whose connector the run tests.",
	"method":        "Connector method the run tests: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
	"sku":           "SKU of an item in the store's catalog, the one item of the test order's cart: `ORDERING` only, null for the other methods.",
	"endpoint_url":  "Endpoint URL the run called: the connector's saved URL when the run started.",
	"endpoint_type": "Endpoint type the run called, as saved when the run started.",
	"status": markdownList(jwo.Strings(jwo.TestStatuses)) + ". `SUCCESSFUL` is an HTTP 2xx answer with a JSON body " +
		"within the timeout; a business \"no\" in the body is still successful.",
	"reason":           "Why the run was `UNSUCCESSFUL`: " + markdownList(jwo.Strings(jwo.FailureReasons)) + "; null otherwise.",
	"message":          "What happened, in words; null when there is nothing to say.",
	"http_status":      "HTTP status of the connector's answer; 0 when no answer came.",
	"latency_ms":       "Time from sending the request to the end of the answer, in milliseconds.",
	"response_excerpt": "The beginning of the connector's answer body; null when there was none.",
	"started_at":       "When the run started (RFC 3339, UTC).",
	"completed_at":     "When the run finished (RFC 3339, UTC); null while it is `RUNNING`.",
	"triggered_by":     "Name of the API token that started the run.",
}

// skuRule is how the resource and the action take sku.
const skuRule = "Required when `method` is `ORDERING`, not allowed otherwise."

// testRunDataModel is a ConnectivityTest as the data sources show it.
type testRunDataModel struct {
	ID              types.String `tfsdk:"id"`
	StoreID         types.String `tfsdk:"store_id"`
	Method          types.String `tfsdk:"method"`
	SKU             types.String `tfsdk:"sku"`
	EndpointURL     types.String `tfsdk:"endpoint_url"`
	EndpointType    types.String `tfsdk:"endpoint_type"`
	Status          types.String `tfsdk:"status"`
	Reason          types.String `tfsdk:"reason"`
	Message         types.String `tfsdk:"message"`
	HTTPStatus      types.Int64  `tfsdk:"http_status"`
	LatencyMS       types.Int64  `tfsdk:"latency_ms"`
	ResponseExcerpt types.String `tfsdk:"response_excerpt"`
	StartedAt       types.String `tfsdk:"started_at"`
	CompletedAt     types.String `tfsdk:"completed_at"`
	TriggeredBy     types.String `tfsdk:"triggered_by"`
}

func newTestRunDataModel(t jwo.ConnectivityTest) testRunDataModel {
	completed := types.StringNull()
	if t.CompletedAt != nil {
		completed = timeValue(*t.CompletedAt)
	}
	return testRunDataModel{
		ID:              types.StringValue(t.ID),
		StoreID:         types.StringValue(t.StoreID),
		Method:          types.StringValue(string(t.Method)),
		SKU:             stringOrNull(t.SKU),
		EndpointURL:     types.StringValue(t.EndpointURL),
		EndpointType:    types.StringValue(string(t.EndpointType)),
		Status:          types.StringValue(string(t.Status)),
		Reason:          stringOrNull(string(t.Reason)),
		Message:         stringOrNull(t.Message),
		HTTPStatus:      types.Int64Value(int64(t.HTTPStatus)),
		LatencyMS:       types.Int64Value(t.LatencyMS),
		ResponseExcerpt: stringOrNull(t.ResponseExcerpt),
		StartedAt:       timeValue(t.StartedAt),
		CompletedAt:     completed,
		TriggeredBy:     types.StringValue(t.TriggeredBy),
	}
}

// testRunAttributes are the read-only attributes of testRunDataModel.
func testRunAttributes() map[string]schema.Attribute {
	return computedAttributes(testRunDataModel{}, runDocs)
}
