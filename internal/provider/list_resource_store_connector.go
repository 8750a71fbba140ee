package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	_ list.ListResource              = &storeConnectorListResource{}
	_ list.ListResourceWithConfigure = &storeConnectorListResource{}
)

// NewStoreConnectorListResource returns the jwo_store_connector list
// resource, which `terraform query` (Terraform 1.14+) calls.
func NewStoreConnectorListResource() list.ListResource { return &storeConnectorListResource{} }

type storeConnectorListResource struct{ client *client.Client }

type storeConnectorListModel struct {
	StoreID            types.String `tfsdk:"store_id"`
	Method             types.String `tfsdk:"method"`
	StoreType          types.String `tfsdk:"store_type"`
	ConnectivityStatus types.String `tfsdk:"connectivity_status"`
}

// listPageSize is the page the list asks the portal for: the largest, so
// that 40,000 connectors are 40 requests, and at most one page is held.
const listPageSize = 1000

func (r *storeConnectorListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store_connector"
}

func (r *storeConnectorListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the saved connectors of the token's merchant for `terraform query` (Terraform 1.14 and later). " +
			"Each result has the identity of a `jwo_store_connector` (`store_id`, `method`) and the display name `STORE_ID/METHOD`; " +
			"with `include_resource = true` also the whole resource, so that `terraform query -generate-config-out=FILE` writes " +
			"import and resource blocks that then plan as imports only. Results are streamed page by page. " +
			"The optional filters combine: a connector is listed when it matches every filter that is set.",
		Attributes: map[string]schema.Attribute{
			"store_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only connectors of this store. A store the token's merchant does not have lists nothing.",
				Validators:          []validator.String{validStoreID()},
			},
			"method": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only connectors of this method: " + markdownList(jwo.Strings(jwo.Methods)) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
			},
			"store_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only connectors of stores of this type: " + markdownList(jwo.Strings(jwo.StoreTypes)) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.StoreTypes)...)},
			},
			"connectivity_status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only connectors with this connectivity status: " + markdownList(jwo.Strings(jwo.ConnectivityStatuses)) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.ConnectivityStatuses)...)},
			},
		},
	}
}

func (r *storeConnectorListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// List streams the connectors: each page of the portal is turned into
// results as Terraform takes them, and the next page is only asked for
// when the last one is used up, so memory stays at one page whatever the
// merchant holds.
func (r *storeConnectorListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var config storeConnectorListModel
	if checkDataSourceClient(r.client, &diags) {
		diags.Append(req.Config.Get(ctx, &config)...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	filter := connectorFilterOf(config.StoreID, config.Method, config.StoreType, config.ConnectivityStatus)
	filter.PageSize = listPageSize
	if req.Limit > 0 && req.Limit < listPageSize {
		filter.PageSize = int(req.Limit)
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var sent int64
		for c, err := range r.client.MerchantConnectors(ctx, filter) {
			if err != nil {
				var d diag.Diagnostics
				addAPIError(&d, "Unable to list connectors", err)
				push(list.ListResult{Diagnostics: d})
				return
			}
			if !push(connectorListResult(ctx, req, c)) {
				return
			}
			if sent++; req.Limit > 0 && sent >= req.Limit {
				return
			}
		}
	}
}

// connectorListResult is one connector as a result: its identity and
// display name, and the resource's state when Terraform asked for it.
func connectorListResult(ctx context.Context, req list.ListRequest, c jwo.Connector) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = connectorID(c.StoreID, c.Method)
	res.Diagnostics.Append(res.Identity.Set(ctx, newConnectorIdentity(c.StoreID, c.Method))...)
	if req.IncludeResource {
		var m storeConnectorModel
		m.set(c)
		res.Diagnostics.Append(res.Resource.Set(ctx, &m)...)
	}
	if res.Diagnostics.HasError() {
		res.Diagnostics.AddError("Unable to record a listed connector",
			fmt.Sprintf("Connector %s could not be turned into a result. This is a bug in the provider; please report it.", res.DisplayName))
	}
	return res
}
