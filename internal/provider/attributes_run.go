package provider

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// runDocs describe a connectivity test run's attributes for the
// jwo_connectivity_test resource, the runs that jwo_connectivity_tests lists
// and the arguments of the jwo_run_connectivity_test action.
var runDocs = attributeDocs{
	"id":       "Id of the run: the import id of the `jwo_connectivity_test` resource.",
	"store_id": "Id of the store whose connector the run tests.",
	"method":   "Connector method the run tests: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
	"suite": "What the run checks: `CONNECTIVITY`, one call of the method answered with JSON, or `CONFORMANCE`, every " +
		"documented case of the method one after another (an `ORDERING` suite creates test purchases; see the guide " +
		"*Before a store opens*).",
	"cases": "The decided cases of a `CONFORMANCE` run in the suite's order, each with what was expected and what was " +
		"observed; empty for a `CONNECTIVITY` run.",
	"sku":           "SKU of an item in the store's catalog, the one item of the test order's cart: `ORDERING` only, null for the other methods.",
	"endpoint_url":  "Endpoint URL the run called: the connector's saved URL when the run started.",
	"endpoint_type": "Endpoint type the run called, as saved when the run started.",
	"status": markdownList(jwo.Strings(jwo.TestStatuses)) + ". `SUCCESSFUL` is an HTTP 2xx answer with a JSON body " +
		"within the timeout; a business \"no\" in the body is still successful.",
	"reason": "Why the run was `UNSUCCESSFUL`: " + markdownList(jwo.Strings(jwo.FailureReasons)) + " (`conformance`: a " +
		"required case of the suite did not pass); null otherwise.",
	"message":          "What happened, in words; null when there is nothing to say.",
	"http_status":      "HTTP status of the connector's answer; 0 when no answer came.",
	"latency_ms":       "Time from sending the request to the end of the answer, in milliseconds.",
	"response_excerpt": "The beginning of the connector's answer body; null when there was none.",
	"started_at":       "When the run started (RFC 3339, UTC).",
	"completed_at":     "When the run finished (RFC 3339, UTC); null while it is `RUNNING`.",
	"triggered_by":     "Name of the API token that started the run.",
}

// caseDocs describe one case of a CONFORMANCE run, wherever a run shows its
// cases.
var caseDocs = attributeDocs{
	"id":          "Id of the case, e.g. `ordering.retry_is_idempotent`.",
	"title":       "What the case checks, in words.",
	"required":    "Whether the run is `SUCCESSFUL` only if this case passed; a case that is not required is reported only.",
	"status":      markdownList(jwo.Strings(jwo.CaseStatuses)) + ".",
	"expected":    "What the documentation asks of the connector's answer, e.g. `201 with the same purchaseId as the first call`.",
	"observed":    "What the connector answered, in the same words.",
	"http_status": "HTTP status of the connector's answer to the case; 0 when no answer came.",
	"latency_ms":  "Time from sending the case's request to the end of its answer, in milliseconds.",
}

// caseDataModel is a Case of a CONFORMANCE run.
type caseDataModel struct {
	ID         types.String `tfsdk:"id"`
	Title      types.String `tfsdk:"title"`
	Required   types.Bool   `tfsdk:"required"`
	Status     types.String `tfsdk:"status"`
	Expected   types.String `tfsdk:"expected"`
	Observed   types.String `tfsdk:"observed"`
	HTTPStatus types.Int64  `tfsdk:"http_status"`
	LatencyMS  types.Int64  `tfsdk:"latency_ms"`
}

// caseAttrTypes are the Terraform types of caseDataModel, for the
// resource's list of cases.
var caseAttrTypes = map[string]attr.Type{
	"id": types.StringType, "title": types.StringType, "required": types.BoolType, "status": types.StringType,
	"expected": types.StringType, "observed": types.StringType, "http_status": types.Int64Type, "latency_ms": types.Int64Type,
}

func newCaseDataModels(cases []jwo.Case) []caseDataModel {
	out := make([]caseDataModel, len(cases))
	for i, c := range cases {
		out[i] = caseDataModel{
			ID: types.StringValue(c.ID), Title: types.StringValue(c.Title), Required: types.BoolValue(c.Required),
			Status: types.StringValue(string(c.Status)), Expected: types.StringValue(c.Expected),
			Observed: types.StringValue(c.Observed), HTTPStatus: types.Int64Value(int64(c.HTTPStatus)),
			LatencyMS: types.Int64Value(c.LatencyMS),
		}
	}
	return out
}

// caseList is the cases as the resource's list value, built without
// reflection.
func caseList(cases []jwo.Case) types.List {
	objType := types.ObjectType{AttrTypes: caseAttrTypes}
	elems := make([]attr.Value, len(cases))
	for i, c := range newCaseDataModels(cases) {
		elems[i] = types.ObjectValueMust(caseAttrTypes, map[string]attr.Value{
			"id": c.ID, "title": c.Title, "required": c.Required, "status": c.Status,
			"expected": c.Expected, "observed": c.Observed, "http_status": c.HTTPStatus, "latency_ms": c.LatencyMS,
		})
	}
	return types.ListValueMust(objType, elems)
}

// suiteOf is a run's suite; a portal from before suites ran connectivity
// tests only.
func suiteOf(t jwo.ConnectivityTest) string {
	if t.Suite == "" {
		return string(jwo.SuiteConnectivity)
	}
	return string(t.Suite)
}

// failedCases names the cases of a run that did not pass, one a line with
// what was expected and observed, for the error of an UNSUCCESSFUL
// CONFORMANCE run; "" when none failed.
func failedCases(t jwo.ConnectivityTest) string {
	var b strings.Builder
	for _, c := range t.Cases {
		if c.Status == jwo.CasePassed {
			continue
		}
		req := "required"
		if !c.Required {
			req = "not required"
		}
		fmt.Fprintf(&b, "\n- %s (%s, %s): expected %s; observed %s", c.ID, c.Status, req, c.Expected, c.Observed)
	}
	if b.Len() == 0 {
		return ""
	}
	return "\n\nCases that did not pass:" + b.String()
}

// skuRule is how the resource and the action take sku.
const skuRule = "Required when `method` is `ORDERING`, not allowed otherwise."

// testRunDataModel is a ConnectivityTest as the data sources show it.
type testRunDataModel struct {
	ID              types.String    `tfsdk:"id"`
	StoreID         types.String    `tfsdk:"store_id"`
	Method          types.String    `tfsdk:"method"`
	SKU             types.String    `tfsdk:"sku"`
	Suite           types.String    `tfsdk:"suite"`
	EndpointURL     types.String    `tfsdk:"endpoint_url"`
	EndpointType    types.String    `tfsdk:"endpoint_type"`
	Status          types.String    `tfsdk:"status"`
	Reason          types.String    `tfsdk:"reason"`
	Message         types.String    `tfsdk:"message"`
	HTTPStatus      types.Int64     `tfsdk:"http_status"`
	LatencyMS       types.Int64     `tfsdk:"latency_ms"`
	ResponseExcerpt types.String    `tfsdk:"response_excerpt"`
	StartedAt       types.String    `tfsdk:"started_at"`
	CompletedAt     types.String    `tfsdk:"completed_at"`
	TriggeredBy     types.String    `tfsdk:"triggered_by"`
	Cases           []caseDataModel `tfsdk:"cases"`
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
		Suite:           types.StringValue(suiteOf(t)),
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
		Cases:           newCaseDataModels(t.Cases),
	}
}

// nestedDocs describe the objects that a data model lists in a field (a
// slice of a struct), for computedAttributes.
var nestedDocs = map[reflect.Type]attributeDocs{reflect.TypeFor[caseDataModel](): caseDocs}

// testRunAttributes are the read-only attributes of testRunDataModel.
func testRunAttributes() map[string]schema.Attribute {
	return computedAttributes(testRunDataModel{}, runDocs)
}
