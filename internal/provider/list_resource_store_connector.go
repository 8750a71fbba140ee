package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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

// listPageSize is the page the list asks the portal for: the largest, so
// that 40,000 connectors are 40 requests, and at most one page is held.
const listPageSize = 1000

func (r *storeConnectorListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store_connector"
}

func (r *storeConnectorListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for name, f := range connectorFilterArguments() {
		attrs[name] = schema.StringAttribute{Optional: true, MarkdownDescription: f.description, Validators: f.validators}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the saved connectors of the token's merchant for `terraform query` (Terraform 1.14 and later). " +
			"Each result has the identity of a `jwo_store_connector` (`store_id`, `method`) and the display name `STORE_ID/METHOD`; " +
			"with `include_resource = true` also the whole resource, so that `terraform query -generate-config-out=FILE` writes " +
			"import and resource blocks that then plan as imports only. Results are streamed page by page. " +
			"The optional filters combine: a connector is listed when it matches every filter that is set.",
		Attributes: attrs,
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
	var config connectorFilterModel
	if checkDataSourceClient(r.client, &diags) {
		diags.Append(req.Config.Get(ctx, &config)...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	filter := config.filter()
	filter.PageSize = listPageSize
	if req.Limit > 0 && req.Limit < listPageSize {
		filter.PageSize = int(req.Limit)
	}
	resultTypes, err := listTypes(ctx, req)
	if err != nil {
		diags.AddError("Unable to list connectors", err.Error()+". This is a bug in the provider; please report it.")
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
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
			if !push(connectorListResult(ctx, req, resultTypes, c)) {
				return
			}
			if sent++; req.Limit > 0 && sent >= req.Limit {
				return
			}
		}
	}
}

// connectorListResult is one connector as a result: its identity and
// display name, and the resource when Terraform asked for it, with its last
// test's status and id, which a listing is a place to read (a result is not
// state: an import of it reads the resource afresh). The
// values are built as Terraform values directly: the framework's Set
// reflects over the model for each of them, which doubled the provider's
// CPU per listed connector (PERFORMANCE.md). A test checks that both give
// the same values.
func connectorListResult(ctx context.Context, req list.ListRequest, tt connectorListTypes, c jwo.Connector) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = connectorID(c.StoreID, c.Method)
	res.Identity.Raw = tftypes.NewValue(tt.identity, map[string]tftypes.Value{
		"store_id": tftypes.NewValue(tftypes.String, c.StoreID),
		"method":   tftypes.NewValue(tftypes.String, string(c.Method)),
	})
	if req.IncludeResource {
		res.Resource.Raw = tftypes.NewValue(tt.resource, connectorTerraformValues(c))
	}
	return res
}

// connectorListTypes are the Terraform types of a result's identity and
// resource, taken from the schemas once per listing.
type connectorListTypes struct{ identity, resource tftypes.Object }

func listTypes(ctx context.Context, req list.ListRequest) (connectorListTypes, error) {
	identity, ok := req.ResourceIdentitySchema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return connectorListTypes{}, fmt.Errorf("the identity of jwo_store_connector is not an object")
	}
	res, ok := req.ResourceSchema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return connectorListTypes{}, fmt.Errorf("jwo_store_connector is not an object")
	}
	// One check against the schema turns a schema that moved on into an
	// error here instead of a panic of NewValue for every result.
	sample := jwo.Connector{StoreID: "s", Method: jwo.MethodIdentity}
	if err := tftypes.ValidateValue(res, connectorTerraformValues(sample)); err != nil {
		return connectorListTypes{}, fmt.Errorf("jwo_store_connector result: %w", err)
	}
	return connectorListTypes{identity: identity, resource: res}, nil
}

// connectorTerraformValues is a connector as the data sources show it,
// without created_at: storeConnectorModel.set as Terraform values, with what
// test runs change, which a listing shows (the resource's state keeps them
// null: runAttributes).
func connectorTerraformValues(c jwo.Connector) map[string]tftypes.Value {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	orNull := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return str(s)
	}
	return map[string]tftypes.Value{
		"id":                  str(connectorID(c.StoreID, c.Method)),
		"store_id":            str(c.StoreID),
		"method":              str(string(c.Method)),
		"endpoint_url":        str(c.EndpointURL),
		"endpoint_type":       str(string(c.EndpointType)),
		"version":             tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(c.Version)),
		"connectivity_status": str(string(c.ConnectivityStatus)),
		"last_test_id":        orNull(c.LastTestID),
		"updated_at":          tfTime(c.UpdatedAt),
		"updated_by":          str(c.UpdatedBy),
		"last_changed_via":    str(string(c.LastChangedVia)),
	}
}
