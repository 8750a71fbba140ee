package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ datasource.DataSource              = &connectivityTestsDataSource{}
	_ datasource.DataSourceWithConfigure = &connectivityTestsDataSource{}
)

// NewConnectivityTestsDataSource returns the jwo_connectivity_tests data source.
func NewConnectivityTestsDataSource() datasource.DataSource { return &connectivityTestsDataSource{} }

type connectivityTestsDataSource struct{ client *client.Client }

type connectivityTestsDataSourceModel struct {
	ID      types.String       `tfsdk:"id"`
	StoreID types.String       `tfsdk:"store_id"`
	Method  types.String       `tfsdk:"method"`
	Limit   types.Int64        `tfsdk:"limit"`
	Tests   []testRunDataModel `tfsdk:"tests"`
}

func (d *connectivityTestsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connectivity_tests"
}

func (d *connectivityTestsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the connectivity test runs of one store and method, newest first, " +
			"whether they were started by Terraform (`jwo_connectivity_test`) or by anyone else. The portal keeps this history " +
			"when a `jwo_connectivity_test` resource is destroyed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`STORE_ID/METHOD`.",
			},
			"store_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Id of the store.",
				Validators:          []validator.String{validStoreID()},
			},
			"method": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Connector method: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
			},
			"limit": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "At most this many runs, from 1 to 100. Without it, the portal's default applies.",
				Validators:          []validator.Int64{int64validator.Between(1, 100)},
			},
			"tests": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The runs, newest first. Empty when the connector was never tested.",
				NestedObject:        schema.NestedAttributeObject{Attributes: testRunAttributes()},
			},
		},
	}
}

func (d *connectivityTestsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectivityTestsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !checkDataSourceClient(d.client, &resp.Diagnostics) {
		return
	}
	var data connectivityTestsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	storeID, method := data.StoreID.ValueString(), jwo.Method(data.Method.ValueString())

	tests, err := d.client.ListTests(ctx, storeID, method, int(data.Limit.ValueInt64()))
	if err != nil {
		addReadError(&resp.Diagnostics, path.Root("store_id"), fmt.Sprintf("connectivity tests of %s for store %q", method, storeID), err)
		return
	}
	data.ID = types.StringValue(connectorID(storeID, method))
	data.Tests = make([]testRunDataModel, 0, len(tests))
	for _, t := range tests {
		data.Tests = append(data.Tests, newTestRunDataModel(t))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
