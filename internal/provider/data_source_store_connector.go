package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	_ datasource.DataSource              = &storeConnectorDataSource{}
	_ datasource.DataSourceWithConfigure = &storeConnectorDataSource{}
)

// NewStoreConnectorDataSource returns the jwo_store_connector data source.
func NewStoreConnectorDataSource() datasource.DataSource { return &storeConnectorDataSource{} }

type storeConnectorDataSource struct{ client *client.Client }

type storeConnectorDataSourceModel struct {
	ID types.String `tfsdk:"id"`
	connectorDataModel
}

func (d *storeConnectorDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store_connector"
}

func (d *storeConnectorDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := computedAttributes(storeConnectorDataSourceModel{}, connectorDocs)
	attrs["store_id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: connectorDocs.argument("store_id"),
		Validators:          []validator.String{validStoreID()},
	}
	attrs["method"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: connectorDocs.argument("method"),
		Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the saved connector of one store and method, including one that Terraform does not manage. " +
			"A store or connector that does not exist is an error.",
		Attributes: attrs,
	}
}

func (d *storeConnectorDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *storeConnectorDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !checkDataSourceClient(d.client, &resp.Diagnostics) {
		return
	}
	var config storeConnectorDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	storeID, method := config.StoreID.ValueString(), jwo.Method(config.Method.ValueString())

	c, err := d.client.GetConnector(ctx, storeID, method)
	if err != nil {
		addReadError(&resp.Diagnostics, path.Root("method"), fmt.Sprintf("connector %s of store %q", method, storeID), err)
		return
	}
	data := storeConnectorDataSourceModel{
		ID:                 types.StringValue(connectorID(storeID, method)),
		connectorDataModel: newConnectorDataModel(c),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
