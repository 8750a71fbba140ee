package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// connectorDocs describe a connector's attributes for the jwo_store_connector
// resource, the jwo_store_connector data source and the connectors that
// jwo_store_connectors and jwo_store list.
var connectorDocs = attributeDocs{
	"id":       "`STORE_ID/METHOD`, e.g. `acme-sea-01/ORDERING`: the import id of the `jwo_store_connector` resource.",
	"store_id": "Id of the store the connector belongs to.",
	"method":   "Connector method: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
	"endpoint_url": "Base URL of the connector, which Amazon calls with the method's path appended: the invoke URL of an " +
		"API Gateway stage, or a custom domain.",
	"endpoint_type": "`PUBLIC` for an edge-optimized or regional API Gateway, `PRIVATE` for a private one (reached through " +
		"a VPC endpoint).",
	"connectivity_status": markdownList(jwo.Strings(jwo.ConnectivityStatuses)) + ", as the latest finished connectivity " +
		"test of the saved endpoint left it (`UNTESTED`: saved, not tested since). A changed endpoint is `UNTESTED` again.",
	"last_test_id": "Id of the latest connectivity test run of this connector; null when it was never tested.",
	"version": "Version of the configuration in the portal: 1 when created, one more per change of `endpoint_url` or " +
		"`endpoint_type`; test results never change it. `jwo_store_connector` updates and deletes only while it still matches.",
	"created_at": "When the connector was first saved (RFC 3339, UTC).",
	"updated_at": "When `endpoint_url` or `endpoint_type` last changed (RFC 3339, UTC).",
	"updated_by": "Name of the API token that last changed `endpoint_url` or `endpoint_type`.",
	"last_changed_via": "Where the last change of `endpoint_url` or `endpoint_type` came from: `TERRAFORM` (this provider), " +
		"`CONSOLE` (the portal's web console) or `API` (any other client of the API). Anything but `TERRAFORM` is a " +
		"connector whose current endpoint was not written from code; importing one does not change it, the next change " +
		"Terraform applies does.",
}

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
	LastChangedVia     types.String `tfsdk:"last_changed_via"`
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
		LastChangedVia:     types.StringValue(string(c.LastChangedVia)),
	}
}

// connectorAttributes are the read-only attributes of connectorDataModel.
func connectorAttributes() map[string]schema.Attribute {
	return computedAttributes(connectorDataModel{}, connectorDocs)
}
