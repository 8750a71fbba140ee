package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// connectorResource mirrors jwo_store_connector's schema; Create fills the
// computed attributes with what a first save would, Read keeps the state.
type connectorResource struct{}

type connectorModel struct {
	ID                 types.String `tfsdk:"id"`
	StoreID            types.String `tfsdk:"store_id"`
	Method             types.String `tfsdk:"method"`
	EndpointURL        types.String `tfsdk:"endpoint_url"`
	EndpointType       types.String `tfsdk:"endpoint_type"`
	Version            types.Int64  `tfsdk:"version"`
	ConnectivityStatus types.String `tfsdk:"connectivity_status"`
	LastTestID         types.String `tfsdk:"last_test_id"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
	UpdatedBy          types.String `tfsdk:"updated_by"`
	LastChangedVia     types.String `tfsdk:"last_changed_via"`
}

func (r *connectorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store_connector"
}

func (r *connectorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func() schema.StringAttribute {
		return schema.StringAttribute{
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	replace := func() schema.StringAttribute {
		return schema.StringAttribute{
			Required:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":            computed(),
			"store_id":      replace(),
			"method":        replace(),
			"endpoint_url":  schema.StringAttribute{Required: true},
			"endpoint_type": schema.StringAttribute{Required: true},
			"version": schema.Int64Attribute{
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"connectivity_status": computed(),
			"last_test_id":        computed(),
			"updated_at":          computed(),
			"updated_by":          computed(),
			"last_changed_via":    computed(),
		},
	}
}

func (r *connectorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m connectorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(m.StoreID.ValueString() + "/" + m.Method.ValueString())
	m.Version = types.Int64Value(1)
	m.ConnectivityStatus = types.StringNull()
	m.LastTestID = types.StringNull()
	m.UpdatedAt = types.StringValue(now())
	m.UpdatedBy = types.StringValue("bench")
	m.LastChangedVia = types.StringValue(string(jwo.ChangedViaTerraform))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read decodes and re-encodes the state, as a provider that refreshes every
// attribute does, minus the request.
func (r *connectorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m connectorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *connectorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m connectorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *connectorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
