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
	_ datasource.DataSource              = &storesDataSource{}
	_ datasource.DataSourceWithConfigure = &storesDataSource{}
)

// NewStoresDataSource returns the jwo_stores data source.
func NewStoresDataSource() datasource.DataSource { return &storesDataSource{} }

type storesDataSource struct{ client *client.Client }

type storesDataSourceModel struct {
	ID               types.String     `tfsdk:"id"`
	StoreType        types.String     `tfsdk:"store_type"`
	CompletionStatus types.String     `tfsdk:"completion_status"`
	Method           types.String     `tfsdk:"method"`
	Stores           []storeDataModel `tfsdk:"stores"`
}

func (d *storesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stores"
}

func (d *storesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := storeAttributes()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the stores of the token's merchant, with each store's required methods and completion status. " +
			"All pages of the list are read. The optional filters combine: a store is listed when it matches every filter that is set.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifies this listing by its filters, e.g. `store_type=JWO&method=ORDERING`, or `all` without filters.",
			},
			"store_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only stores of this type: " + markdownList(jwo.Strings(jwo.StoreTypes)) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.StoreTypes)...)},
			},
			"completion_status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only stores with this completion status: " + markdownList(jwo.Strings(jwo.CompletionStatuses)) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.CompletionStatuses)...)},
			},
			"method": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only stores that require this connector method: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
			},
			"stores": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching stores, ordered by id.",
				NestedObject:        schema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *storesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *storesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !checkDataSourceClient(d.client, &resp.Diagnostics) {
		return
	}
	var data storesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	filter := client.StoreFilter{
		StoreType:        jwo.StoreType(data.StoreType.ValueString()),
		CompletionStatus: jwo.CompletionStatus(data.CompletionStatus.ValueString()),
		Method:           jwo.Method(data.Method.ValueString()),
	}
	stores, err := d.client.AllStores(ctx, filter)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list stores", err)
		return
	}

	data.ID = types.StringValue(storesFilterID(filter))
	raw, err := storesState(ctx, resp.State.Schema.Type().TerraformType(ctx), data, stores)
	if err != nil {
		resp.Diagnostics.AddError("Unable to record the stores",
			fmt.Sprintf("%v. This is a bug in the provider; please report it.", err))
		return
	}
	resp.State.Raw = raw
}

// storesFilterID is a stable id for a listing: the filters that are set, in a
// fixed order, as a query string.
func storesFilterID(f client.StoreFilter) string {
	var parts []string
	if f.StoreType != "" {
		parts = append(parts, "store_type="+string(f.StoreType))
	}
	if f.CompletionStatus != "" {
		parts = append(parts, "completion_status="+string(f.CompletionStatus))
	}
	if f.Method != "" {
		parts = append(parts, "method="+string(f.Method))
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, "&")
}
