package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// runAttributeDeprecation is shown wherever a configuration refers to one of
// runAttributes.
const runAttributeDeprecation = "Always null since schema version 1: a test run is not a change of the connector's " +
	"configuration, and `terraform plan -refresh-only` reported every run as a change made outside Terraform. Read " +
	"`connectivity_status` and `last_test_id` from the `jwo_store_connector` data source, or `status` and `id` from " +
	"the `jwo_connectivity_test` that tests the connector. The attribute will be removed in 1.0."

// runAttributeNames are what test runs change on a connector.
var runAttributeNames = []string{"connectivity_status", "last_test_id"}

// runAttributes are runAttributeNames' schemas. jwo_store_connector
// keeps their names, so that a configuration that refers to them gets a
// deprecation warning saying where to read them instead of an error, but not
// their values: a resource's state changes only with its configuration, so
// that a refresh-only plan finds exactly the edits made outside Terraform.
func runAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for _, name := range runAttributeNames {
		attrs[name] = schema.StringAttribute{
			MarkdownDescription: runAttributeDeprecation,
			DeprecationMessage:  runAttributeDeprecation,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{alwaysNull{}},
		}
	}
	return attrs
}

// alwaysNull plans null for a computed attribute that is never set, where the
// framework would plan "known after apply" on every update.
type alwaysNull struct{}

func (alwaysNull) Description(context.Context) string         { return "The value is always null." }
func (alwaysNull) MarkdownDescription(context.Context) string { return "The value is always null." }

func (alwaysNull) PlanModifyString(_ context.Context, _ planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	resp.PlanValue = types.StringNull()
}

// UpgradeState upgrades state of schema version 0, whose connectivity_status
// and last_test_id followed every test run, by dropping their values. The
// attributes are the same, so the current schema reads the old state.
func (r *storeConnectorResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	var current resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &current)
	v0 := current.Schema
	v0.Version = 0
	return map[int64]resource.StateUpgrader{
		0: {
			PriorSchema: &v0,
			StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
				var m storeConnectorModel
				resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
				if resp.Diagnostics.HasError() {
					return
				}
				m.ConnectivityStatus, m.LastTestID = types.StringNull(), types.StringNull()
				resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			},
		},
	}
}
