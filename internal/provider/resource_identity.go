package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Resource identity (Terraform 1.12+, OpenTofu 1.12+): what names an object
// in the portal, for import blocks and for `terraform query`. An identity
// never changes for an object: every attribute in it forces a replacement.

var (
	_ resource.ResourceWithIdentity = &storeConnectorResource{}
	_ resource.ResourceWithIdentity = &connectivityTestResource{}
)

// connectorIdentityModel is the identity of a jwo_store_connector.
type connectorIdentityModel struct {
	StoreID types.String `tfsdk:"store_id"`
	Method  types.String `tfsdk:"method"`
}

func newConnectorIdentity(storeID string, m jwo.Method) connectorIdentityModel {
	return connectorIdentityModel{StoreID: types.StringValue(storeID), Method: types.StringValue(string(m))}
}

func (r *storeConnectorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"store_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Id of the store.",
			},
			"method": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Connector method: " + strings.Join(jwo.Strings(jwo.Methods), ", ") + ".",
			},
		},
	}
}

// setIdentity records an object's identity where Terraform keeps one; older
// Terraform versions send none.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, v any, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, v)...)
}

// ImportState takes STORE_ID/METHOD (the method in any case) or, from an
// import block's identity, store_id and method; Read fills in the rest.
func (r *storeConnectorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var storeID, rawMethod, what string
	if req.ID != "" {
		var ok bool
		storeID, rawMethod, ok = strings.Cut(req.ID, "/")
		if !ok || strings.Contains(rawMethod, "/") {
			resp.Diagnostics.AddError("Invalid import id",
				fmt.Sprintf("Import id %q is not STORE_ID/METHOD, e.g. \"acme-sea-01/ORDERING\".", req.ID))
			return
		}
		what = fmt.Sprintf("Import id %q", req.ID)
	} else {
		var ident connectorIdentityModel
		if req.Identity == nil {
			resp.Diagnostics.AddError("Missing import id", "Import a jwo_store_connector by its id STORE_ID/METHOD, or by identity = { store_id = ..., method = ... }.")
			return
		}
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		storeID, rawMethod = ident.StoreID.ValueString(), ident.Method.ValueString()
		what = fmt.Sprintf("Import identity {store_id = %q, method = %q}", storeID, rawMethod)
	}
	if err := jwo.ValidateStoreID(storeID); err != nil {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%s: %v.", what, err))
		return
	}
	method, err := jwo.ParseMethod(rawMethod)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%s: %v.", what, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), connectorID(storeID, method))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("store_id"), storeID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("method"), string(method))...)
	setIdentity(ctx, resp.Identity, newConnectorIdentity(storeID, method), &resp.Diagnostics)
}

// testRunIdentityModel is the identity of a jwo_connectivity_test: its run.
type testRunIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *connectivityTestResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Id of the connectivity test run.",
			},
		},
	}
}

// ImportState takes a run id, or an identity with one; Read fills in the
// run, triggers stay null.
func (r *connectivityTestResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}
