package main

import (
	"context"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// testResource mirrors jwo_connectivity_test's attributes and blocks. Its Create only
// sleeps for JWOFLOOR_LATENCY (the sample connector's latency), so that 400
// of them measure what Terraform and the framework add to 400 waits.
type testResource struct{}

type testModel struct {
	ID                 types.String   `tfsdk:"id"`
	StoreID            types.String   `tfsdk:"store_id"`
	Method             types.String   `tfsdk:"method"`
	SKU                types.String   `tfsdk:"sku"`
	Suite              types.String   `tfsdk:"suite"`
	Cases              types.List     `tfsdk:"cases"`
	Triggers           types.Map      `tfsdk:"triggers"`
	FailOnUnsuccessful types.Bool     `tfsdk:"fail_on_unsuccessful"`
	Status             types.String   `tfsdk:"status"`
	Reason             types.String   `tfsdk:"reason"`
	Message            types.String   `tfsdk:"message"`
	HTTPStatus         types.Int64    `tfsdk:"http_status"`
	LatencyMS          types.Int64    `tfsdk:"latency_ms"`
	EndpointURL        types.String   `tfsdk:"endpoint_url"`
	EndpointType       types.String   `tfsdk:"endpoint_type"`
	StartedAt          types.String   `tfsdk:"started_at"`
	CompletedAt        types.String   `tfsdk:"completed_at"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *testResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connectivity_test"
}

func (r *testResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	recorded := func() schema.StringAttribute {
		return schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	recordedInt := func() schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
	}
	replace := func(required bool) schema.StringAttribute {
		return schema.StringAttribute{Required: required, Optional: !required,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":       recorded(),
		"store_id": replace(true),
		"method":   replace(true),
		"sku":      replace(false),
		"suite": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(jwo.SuiteConnectivity)),
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		"cases": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true}, "title": schema.StringAttribute{Computed: true},
			"required": schema.BoolAttribute{Computed: true}, "status": schema.StringAttribute{Computed: true},
			"expected": schema.StringAttribute{Computed: true}, "observed": schema.StringAttribute{Computed: true},
			"http_status": schema.Int64Attribute{Computed: true}, "latency_ms": schema.Int64Attribute{Computed: true},
		}}},
		"triggers":             schema.MapAttribute{ElementType: types.StringType, Optional: true},
		"fail_on_unsuccessful": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
		"status":               recorded(),
		"reason":               recorded(),
		"message":              recorded(),
		"http_status":          recordedInt(),
		"latency_ms":           recordedInt(),
		"endpoint_url":         recorded(),
		"endpoint_type":        recorded(),
		"started_at":           recorded(),
		"completed_at":         recorded(),
	},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true})},
	}
}

func (r *testResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m testModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	latency, _ := time.ParseDuration(os.Getenv("JWOFLOOR_LATENCY")) // unset: no wait
	started := now()
	select {
	case <-time.After(latency):
	case <-ctx.Done():
	}
	m.ID = types.StringValue(m.StoreID.ValueString() + "/" + m.Method.ValueString() + "/" + started)
	m.Status = types.StringValue(string(jwo.TestSuccessful))
	m.Reason, m.Message = types.StringNull(), types.StringNull()
	m.HTTPStatus, m.LatencyMS = types.Int64Value(200), types.Int64Value(latency.Milliseconds())
	m.EndpointURL, m.EndpointType = types.StringValue("http://127.0.0.1/"), types.StringValue(string(jwo.EndpointPublic))
	m.StartedAt, m.CompletedAt = types.StringValue(started), types.StringValue(now())
	m.Cases = types.ListValueMust(caseType, []attr.Value{})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// caseType is the object of one conformance case in cases.
var caseType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "title": types.StringType, "required": types.BoolType, "status": types.StringType,
	"expected": types.StringType, "observed": types.StringType, "http_status": types.Int64Type, "latency_ms": types.Int64Type,
}}

func (r *testResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m testModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *testResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m testModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *testResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
