package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	_ datasource.DataSource              = &completionStatusDataSource{}
	_ datasource.DataSourceWithConfigure = &completionStatusDataSource{}
)

// NewCompletionStatusDataSource returns the jwo_completion_status data source.
func NewCompletionStatusDataSource() datasource.DataSource { return &completionStatusDataSource{} }

type completionStatusDataSource struct{ client *client.Client }

type completionStatusDataSourceModel struct {
	ID                 types.String          `tfsdk:"id"`
	StoreID            types.String          `tfsdk:"store_id"`
	Stores             []storeCompletionData `tfsdk:"stores"`
	Total              types.Int64           `tfsdk:"total"`
	Complete           types.Int64           `tfsdk:"complete"`
	Incomplete         types.Int64           `tfsdk:"incomplete"`
	NotRequired        types.Int64           `tfsdk:"not_required"`
	IncompleteStoreIDs []string              `tfsdk:"incomplete_store_ids"`
}

type storeCompletionData struct {
	StoreID           types.String `tfsdk:"store_id"`
	CompletionStatus  types.String `tfsdk:"completion_status"`
	RequiredMethods   []string     `tfsdk:"required_methods"`
	ConfiguredMethods []string     `tfsdk:"configured_methods"`
	MissingMethods    []string     `tfsdk:"missing_methods"`
}

func (d *completionStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_completion_status"
}

func (d *completionStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	methods := func(desc string) schema.Attribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	count := func(desc string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Completion status of one store, or of every store of the token's merchant: which connector methods " +
			"each store requires, which of them are configured and which are missing, with totals. " +
			"`COMPLETE` says every required method has a saved endpoint, not that the endpoints work.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The `store_id` when one is given, otherwise `all`.",
			},
			"store_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Id of one store to report on. Without it, every store of the merchant is reported (all pages of the store list).",
				Validators:          []validator.String{validStoreID()},
			},
			"stores": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One entry per store, ordered by id.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"store_id": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "Id of the store.",
					},
					"completion_status": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "`COMPLETE`, `INCOMPLETE` or `NOT_REQUIRED` (the store needs no connector).",
					},
					"required_methods":   methods("Connector methods the store requires, derived from its profile."),
					"configured_methods": methods("Required methods that have a saved connector (`required_methods` minus `missing_methods`). A saved connector of a method the store no longer requires is not listed."),
					"missing_methods":    methods("Required methods that have no saved connector yet: what is left to configure."),
				}},
			},
			"total":        count("Number of stores reported."),
			"complete":     count("Number of stores whose status is `COMPLETE`."),
			"incomplete":   count("Number of stores whose status is `INCOMPLETE`."),
			"not_required": count("Number of stores whose status is `NOT_REQUIRED`."),
			"incomplete_store_ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Ids of the `INCOMPLETE` stores, in the order of `stores`.",
			},
		},
	}
}

func (d *completionStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *completionStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !checkDataSourceClient(d.client, &resp.Diagnostics) {
		return
	}
	var data completionStatusDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var entries []storeCompletionData
	if id := data.StoreID.ValueString(); id != "" {
		c, err := d.client.GetCompletion(ctx, id)
		if err != nil {
			addReadError(&resp.Diagnostics, path.Root("store_id"), fmt.Sprintf("store %q", id), err)
			return
		}
		entries = []storeCompletionData{newStoreCompletionData(c.StoreID, c.CompletionStatus, c.RequiredMethods, c.MissingMethods)}
		data.ID = types.StringValue(id)
	} else {
		// One list call per page; each listed store carries its derived
		// completion fields, so no call per store is needed.
		stores, err := d.client.AllStores(ctx, client.StoreFilter{})
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to list stores", err)
			return
		}
		entries = make([]storeCompletionData, 0, len(stores))
		for _, s := range stores {
			entries = append(entries, newStoreCompletionData(s.ID, s.CompletionStatus, s.RequiredMethods, s.MissingMethods))
		}
		data.ID = types.StringValue("all")
	}

	var complete, incomplete, notRequired int64
	data.IncompleteStoreIDs = []string{}
	for _, e := range entries {
		switch jwo.CompletionStatus(e.CompletionStatus.ValueString()) {
		case jwo.CompletionComplete:
			complete++
		case jwo.CompletionIncomplete:
			incomplete++
			data.IncompleteStoreIDs = append(data.IncompleteStoreIDs, e.StoreID.ValueString())
		case jwo.CompletionNotRequired:
			notRequired++
		}
	}
	data.Stores = entries
	data.Total = types.Int64Value(int64(len(entries)))
	data.Complete = types.Int64Value(complete)
	data.Incomplete = types.Int64Value(incomplete)
	data.NotRequired = types.Int64Value(notRequired)
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// newStoreCompletionData reports configured_methods as the required methods
// that are not missing. The same definition serves both modes: the store list
// has no configured methods, and a single store's completion may also name
// connectors of methods the store no longer requires, which are left out.
func newStoreCompletionData(storeID string, status jwo.CompletionStatus, required, missing []jwo.Method) storeCompletionData {
	configured := []jwo.Method{}
	for _, m := range required {
		if !slices.Contains(missing, m) {
			configured = append(configured, m)
		}
	}
	return storeCompletionData{
		StoreID:           types.StringValue(storeID),
		CompletionStatus:  types.StringValue(string(status)),
		RequiredMethods:   enumStrings(required),
		ConfiguredMethods: enumStrings(configured),
		MissingMethods:    enumStrings(missing),
	}
}
