package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// This file holds what the data sources share: the models of the API objects they show, their schema attributes,
// and the wording of read errors.

// checkDataSourceClient reports a read before the provider was configured.
func checkDataSourceClient(c *client.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The jwo provider has no API client yet. Set endpoint and token in the provider block (or JWO_ENDPOINT and JWO_TOKEN).")
		return false
	}
	return true
}

// addReadError words a failed read: a 404 names what was not found, anything
// else carries the client's error (which holds the problem's detail).
func addReadError(diags *diag.Diagnostics, attr path.Path, what string, err error) {
	if client.IsNotFound(err) {
		diags.AddAttributeError(attr, what+" not found",
			fmt.Sprintf("The portal has no %s for this token's merchant (%s). Check the id, and that the token belongs to the store's merchant.", what, apiDetail(err)))
		return
	}
	addAPIError(diags, "Unable to read "+what, err)
}

// ---- store ----------------------------------------------------------------

// storeDataModel is a Store as the data sources show it.
type storeDataModel struct {
	ID                    types.String `tfsdk:"id"`
	Name                  types.String `tfsdk:"name"`
	StoreType             types.String `tfsdk:"store_type"`
	Region                types.String `tfsdk:"region"`
	EntryMethods          []string     `tfsdk:"entry_methods"`
	FraudAndAbuseStrategy types.String `tfsdk:"fraud_and_abuse_strategy"`
	OrderDelegation       types.Bool   `tfsdk:"order_delegation"`
	LoyaltyProgram        types.Bool   `tfsdk:"loyalty_program"`
	RequiredMethods       []string     `tfsdk:"required_methods"`
	CompletionStatus      types.String `tfsdk:"completion_status"`
	MissingMethods        []string     `tfsdk:"missing_methods"`
}

func newStoreDataModel(s jwo.Store) storeDataModel {
	return storeDataModel{
		ID:                    types.StringValue(s.ID),
		Name:                  types.StringValue(s.Name),
		StoreType:             types.StringValue(string(s.StoreType)),
		Region:                types.StringValue(s.Region),
		EntryMethods:          enumStrings(s.EntryMethods),
		FraudAndAbuseStrategy: types.StringValue(string(s.FraudAndAbuseStrategy)),
		OrderDelegation:       types.BoolValue(s.OrderDelegation),
		LoyaltyProgram:        types.BoolValue(s.LoyaltyProgram),
		RequiredMethods:       enumStrings(s.RequiredMethods),
		CompletionStatus:      types.StringValue(string(s.CompletionStatus)),
		MissingMethods:        enumStrings(s.MissingMethods),
	}
}

// storeAttributes are the read-only Store fields except id, which each data
// source declares itself (an argument of jwo_store, read-only in jwo_stores).
func storeAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Display name of the store.",
		},
		"store_type": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Kind of store: " + markdownList(jwo.Strings(jwo.StoreTypes)) + ".",
		},
		"region": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "AWS Region of the store, e.g. `us-east-1`.",
		},
		"entry_methods": schema.ListAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "How shoppers enter the store, a subset of " + markdownList(jwo.Strings(jwo.EntryMethods)) + ". `APP_QR` and `BADGE` are retailer-managed and need the `IDENTITY` connector on `JWO` stores.",
		},
		"fraud_and_abuse_strategy": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Fraud and Abuse strategy: " + markdownList(jwo.Strings(jwo.FraudStrategies)) + ". `AMAZON_RECOMMENDATION` and `CUSTOMER_MANAGED` need the `FRAUD_AND_ABUSE` connector on `JWO` stores.",
		},
		"order_delegation": schema.BoolAttribute{
			Computed:            true,
			MarkdownDescription: "Whether charge calculation is delegated to the retailer; if so the store needs the `ORDERING` connector.",
		},
		"loyalty_program": schema.BoolAttribute{
			Computed:            true,
			MarkdownDescription: "Whether the store runs a loyalty scan program; if so it needs the `LOYALTY` connector.",
		},
		"required_methods": schema.ListAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "Connector methods the store needs, derived from its profile, in the order " + markdownList(jwo.Strings(jwo.Methods)) + ". Only these methods can be configured on the store.",
		},
		"completion_status": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`COMPLETE` when every required method has an endpoint, `INCOMPLETE` when one or more is missing, `NOT_REQUIRED` when the store needs no connector. `COMPLETE` does not mean the connectors work: run a `jwo_connectivity_test` for that.",
		},
		"missing_methods": schema.ListAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "Required methods that have no saved connector yet.",
		},
	}
}

// ---- connector ------------------------------------------------------------

// connectorDataModel is a Connector as the data sources show it.
type connectorDataModel struct {
	StoreID            types.String `tfsdk:"store_id"`
	Method             types.String `tfsdk:"method"`
	EndpointURL        types.String `tfsdk:"endpoint_url"`
	EndpointType       types.String `tfsdk:"endpoint_type"`
	ConnectivityStatus types.String `tfsdk:"connectivity_status"`
	LastTestID         types.String `tfsdk:"last_test_id"`
	Version            types.Int64  `tfsdk:"version"`
	CreatedAt          types.String `tfsdk:"created_at"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
	UpdatedBy          types.String `tfsdk:"updated_by"`
}

func newConnectorDataModel(c jwo.Connector) connectorDataModel {
	return connectorDataModel{
		StoreID:            types.StringValue(c.StoreID),
		Method:             types.StringValue(string(c.Method)),
		EndpointURL:        types.StringValue(c.EndpointURL),
		EndpointType:       types.StringValue(string(c.EndpointType)),
		ConnectivityStatus: types.StringValue(string(c.ConnectivityStatus)),
		LastTestID:         stringOrNull(c.LastTestID),
		Version:            types.Int64Value(c.Version),
		CreatedAt:          timeValue(c.CreatedAt),
		UpdatedAt:          timeValue(c.UpdatedAt),
		UpdatedBy:          types.StringValue(c.UpdatedBy),
	}
}

// connectorAttributes are the read-only Connector fields. When keys is false,
// store_id and method are left out: jwo_store_connector declares them as
// arguments.
func connectorAttributes(keys bool) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"endpoint_url": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Saved endpoint URL: the base URL of the API Gateway stage Amazon calls; the method's path is appended to it.",
		},
		"endpoint_type": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`PUBLIC` (edge-optimized or regional API Gateway) or `PRIVATE` (private API Gateway reached through a VPC endpoint).",
		},
		"connectivity_status": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "Result of the latest finished connectivity test of the saved endpoint: " +
				markdownList(jwo.Strings(jwo.ConnectivityStatuses)) + " (`UNTESTED`: saved, not tested since).",
		},
		"last_test_id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Id of the latest connectivity test run of this connector; null when it was never tested.",
		},
		"version": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "Version of the configuration: 1 when created, +1 per change of `endpoint_url` or `endpoint_type`. Test results never change it.",
		},
		"created_at": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "When the connector was first saved (RFC 3339, UTC).",
		},
		"updated_at": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "When the endpoint was last changed (RFC 3339, UTC).",
		},
		"updated_by": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Name of the API token that last changed the endpoint.",
		},
	}
	if keys {
		attrs["store_id"] = schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Id of the store the connector belongs to.",
		}
		attrs["method"] = schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Connector method: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
		}
	}
	return attrs
}

// ---- connectivity test ----------------------------------------------------

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

func testRunAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"id":            str("Id of the run."),
		"store_id":      str("Id of the store."),
		"method":        str("Connector method that was tested."),
		"sku":           str("SKU sent in the test cart (`ORDERING` only; null for other methods)."),
		"endpoint_url":  str("Endpoint URL the run called: the connector's saved URL when the run started."),
		"endpoint_type": str("Endpoint type saved when the run started."),
		"status":        str(markdownList(jwo.Strings(jwo.TestStatuses)) + ". `SUCCESSFUL` is an HTTP 2xx answer with a JSON body within the timeout; a business \"no\" in the body is still successful."),
		"reason":        str("Why the run was unsuccessful: " + markdownList(jwo.Strings(jwo.FailureReasons)) + "; null on success."),
		"message":       str("Human-readable detail of the result."),
		"http_status": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "HTTP status the endpoint answered with; 0 when no answer came.",
		},
		"latency_ms": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "Time from sending the request to the end of the answer, in milliseconds.",
		},
		"response_excerpt": str("The beginning of the endpoint's answer body; null when there was none."),
		"started_at":       str("When the run started (RFC 3339, UTC)."),
		"completed_at":     str("When the run finished (RFC 3339, UTC); null while it is `RUNNING`."),
		"triggered_by":     str("Name of the API token that started the run."),
	}
}

// ---- small conversions and validators -------------------------------------

// enumStrings turns an enum slice into strings, never nil: an empty list in
// the state reads better than null.
func enumStrings[T ~string](vs []T) []string {
	if vs == nil {
		return []string{}
	}
	return jwo.Strings(vs)
}
