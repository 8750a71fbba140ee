package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
)

var (
	_ datasource.DataSource              = &storeDataSource{}
	_ datasource.DataSourceWithConfigure = &storeDataSource{}
)

// NewStoreDataSource returns the jwo_store data source.
func NewStoreDataSource() datasource.DataSource { return &storeDataSource{} }

type storeDataSource struct{ client *client.Client }

type storeDataSourceModel struct {
	storeDataModel
	Connectors []connectorDataModel `tfsdk:"connectors"`
}

func (d *storeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store"
}

func (d *storeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := storeAttributes()
	attrs["id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: storeDocs.argument("id", "It has 1 to 255 letters, digits, `_` or `-`."),
		Validators:          []validator.String{validStoreID()},
	}
	attrs["connectors"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The store's saved connectors, one per configured method.",
		NestedObject:        schema.NestedAttributeObject{Attributes: connectorAttributes()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one store of the token's merchant: its profile, the connector methods it requires, " +
			"its completion status and its saved connectors. A store that does not exist, or belongs to another merchant, is an error.",
		Attributes: attrs,
	}
}

func (d *storeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *storeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !checkDataSourceClient(d.client, &resp.Diagnostics) {
		return
	}
	var config storeDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := config.ID.ValueString()

	store, err := d.client.GetStore(ctx, id)
	if err != nil {
		addReadError(&resp.Diagnostics, path.Root("id"), fmt.Sprintf("store %q", id), err)
		return
	}
	connectors, err := d.client.ListConnectors(ctx, id)
	if err != nil {
		addReadError(&resp.Diagnostics, path.Root("id"), fmt.Sprintf("connectors of store %q", id), err)
		return
	}

	data := storeDataSourceModel{
		storeDataModel: newStoreDataModel(store),
		Connectors:     make([]connectorDataModel, 0, len(connectors)),
	}
	for _, c := range connectors {
		data.Connectors = append(data.Connectors, newConnectorDataModel(c))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
