package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	_ datasource.DataSource              = &storeConnectorsDataSource{}
	_ datasource.DataSourceWithConfigure = &storeConnectorsDataSource{}
)

// NewStoreConnectorsDataSource returns the jwo_store_connectors data source.
func NewStoreConnectorsDataSource() datasource.DataSource { return &storeConnectorsDataSource{} }

type storeConnectorsDataSource struct{ client *client.Client }

type storeConnectorsDataSourceModel struct {
	ID types.String `tfsdk:"id"`
	connectorFilterModel
	Connectors []listedConnectorDataModel `tfsdk:"connectors"`
}

// connectorFilterModel holds the filter arguments that jwo_store_connectors
// and the jwo_store_connector list resource share.
type connectorFilterModel struct {
	StoreID            types.String `tfsdk:"store_id"`
	Method             types.String `tfsdk:"method"`
	StoreType          types.String `tfsdk:"store_type"`
	ConnectivityStatus types.String `tfsdk:"connectivity_status"`
	LastChangedVia     types.String `tfsdk:"last_changed_via"`
}

// connectorFilterArgument is how one filter argument is described and checked.
type connectorFilterArgument struct {
	description string
	validators  []validator.String
}

// connectorFilterArguments are the optional filters of GET /v1/connectors as
// Terraform arguments, by name.
func connectorFilterArguments() map[string]connectorFilterArgument {
	return map[string]connectorFilterArgument{
		"store_id": {
			description: "Only connectors of this store. A store the token's merchant does not have lists nothing " +
				"(not an error, so a listing never tells whether another merchant's store exists).",
			validators: []validator.String{validStoreID()},
		},
		"method": {
			description: "Only connectors of this method: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
			validators:  []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
		},
		"store_type": {
			description: "Only connectors of stores of this type: " + markdownList(jwo.Strings(jwo.StoreTypes)) + ".",
			validators:  []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.StoreTypes)...)},
		},
		"connectivity_status": {
			description: "Only connectors with this connectivity status: " + markdownList(jwo.Strings(jwo.ConnectivityStatuses)) + ".",
			validators:  []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.ConnectivityStatuses)...)},
		},
		"last_changed_via": {
			description: "Only connectors whose endpoint was last changed through this front end: " +
				markdownList(jwo.Strings(jwo.ChangeSources)) + ". `CONSOLE` and `API` are the connectors whose endpoint " +
				"was not written from code (see the guide *Adopting connectors in bulk*).",
			validators: []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.ChangeSources)...)},
		},
	}
}

// listedConnectorDataModel is a connector of the list with the id that
// jwo_store_connector has, ready for an import block.
type listedConnectorDataModel struct {
	ID types.String `tfsdk:"id"`
	connectorDataModel
}

func (d *storeConnectorsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store_connectors"
}

func (d *storeConnectorsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := computedAttributes(listedConnectorDataModel{}, connectorDocs)
	attrs := map[string]schema.Attribute{}
	for name, f := range connectorFilterArguments() {
		attrs[name] = schema.StringAttribute{Optional: true, MarkdownDescription: f.description, Validators: f.validators}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the saved connectors of every store of the token's merchant, including those Terraform does not manage yet: " +
			"with `import { for_each = ... }` (Terraform 1.7+) it adopts them in bulk (see the guide *Adopting connectors in bulk*). " +
			"All pages of the list are read. The optional filters combine: a connector is listed when it matches every filter that is set.",
		Attributes: attrs,
	}
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "Identifies this listing by its filters, e.g. `method=ORDERING&store_type=JWO`, or `all` without filters.",
	}
	attrs["connectors"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The matching connectors, ordered by store id, then by method name.",
		NestedObject:        schema.NestedAttributeObject{Attributes: item},
	}
}

func (d *storeConnectorsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *storeConnectorsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !checkDataSourceClient(d.client, &resp.Diagnostics) {
		return
	}
	var data storeConnectorsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := data.filter()
	var conns []jwo.Connector
	for c, err := range d.client.MerchantConnectors(ctx, filter) {
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to list connectors", err)
			return
		}
		conns = append(conns, c)
	}
	data.ID = types.StringValue(connectorFilterID(filter))
	raw, err := storeConnectorsState(ctx, resp.State.Schema.Type().TerraformType(ctx), data, conns)
	if err != nil {
		resp.Diagnostics.AddError("Unable to record the connectors",
			fmt.Sprintf("%v. This is a bug in the provider; please report it.", err))
		return
	}
	resp.State.Raw = raw
}

// filter is the API filter of the arguments that are set.
func (m connectorFilterModel) filter() client.ConnectorFilter {
	f := client.ConnectorFilter{
		Method:             jwo.Method(m.Method.ValueString()),
		StoreType:          jwo.StoreType(m.StoreType.ValueString()),
		ConnectivityStatus: jwo.ConnectivityStatus(m.ConnectivityStatus.ValueString()),
		LastChangedVia:     jwo.ChangeSource(m.LastChangedVia.ValueString()),
	}
	if id := m.StoreID.ValueString(); id != "" {
		f.StoreIDs = []string{id}
	}
	return f
}

// connectorFilterID is a stable id for a listing: the filters that are set,
// in a fixed order, as a query string.
func connectorFilterID(f client.ConnectorFilter) string {
	var parts []string
	if len(f.StoreIDs) > 0 {
		parts = append(parts, "store_id="+strings.Join(f.StoreIDs, ","))
	}
	if f.Method != "" {
		parts = append(parts, "method="+string(f.Method))
	}
	if f.StoreType != "" {
		parts = append(parts, "store_type="+string(f.StoreType))
	}
	if f.ConnectivityStatus != "" {
		parts = append(parts, "connectivity_status="+string(f.ConnectivityStatus))
	}
	if f.LastChangedVia != "" {
		parts = append(parts, "last_changed_via="+string(f.LastChangedVia))
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, "&")
}
