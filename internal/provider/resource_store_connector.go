package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/provider/readcache"
)

var (
	_ resource.ResourceWithConfigure      = &storeConnectorResource{}
	_ resource.ResourceWithImportState    = &storeConnectorResource{}
	_ resource.ResourceWithModifyPlan     = &storeConnectorResource{}
	_ resource.ResourceWithValidateConfig = &storeConnectorResource{}
	_ resource.ResourceWithUpgradeState   = &storeConnectorResource{}
)

// storeConnectorResource is one connector configuration: the endpoint of one
// store and method.
type storeConnectorResource struct {
	client     *client.Client
	stores     *readcache.Stores     // the plan-time store check, shared by the process
	connectors *readcache.Connectors // what Read serves from, shared by the process
}

type storeConnectorModel struct {
	ID                 types.String     `tfsdk:"id"`
	StoreID            types.String     `tfsdk:"store_id"`
	Method             types.String     `tfsdk:"method"`
	EndpointURL        endpointURLValue `tfsdk:"endpoint_url"`
	EndpointType       types.String     `tfsdk:"endpoint_type"`
	Version            types.Int64      `tfsdk:"version"`
	ConnectivityStatus types.String     `tfsdk:"connectivity_status"`
	LastTestID         types.String     `tfsdk:"last_test_id"`
	UpdatedAt          types.String     `tfsdk:"updated_at"`
	UpdatedBy          types.String     `tfsdk:"updated_by"`
	LastChangedVia     types.String     `tfsdk:"last_changed_via"`
}

// NewStoreConnectorResource is the constructor the provider registers.
func NewStoreConnectorResource() resource.Resource { return &storeConnectorResource{} }

func (r *storeConnectorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store_connector"
}

// portalStrings are the string attributes of jwo_store_connector that the
// portal sets on a change of the endpoint: they are computed, kept from
// state while the endpoint stays, and unknown in ModifyPlan when it changes,
// as version is. What a test run changes is not among them (see
// runAttributes).
var portalStrings = []string{"updated_at", "updated_by", "last_changed_via"}

func (r *storeConnectorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: 1, // 1: test runs no longer write connectivity_status and last_test_id (resource_store_connector_upgrade.go)
		MarkdownDescription: "The connector configuration of one store and one method: the URL of the retailer's API " +
			"Gateway that Amazon calls, and its endpoint type. Creating it never overwrites a configuration made in " +
			"the portal (import that one instead), and an update never overwrites a change made outside Terraform " +
			"since the last refresh. Its state changes only when the configuration does, so `terraform plan " +
			"-refresh-only` finds exactly the changes made outside Terraform; test results are read from " +
			"`jwo_connectivity_test` and the `jwo_store_connector` data source.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: connectorDocs.of("id"),
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"store_id": schema.StringAttribute{
				MarkdownDescription: connectorDocs.argument("store_id", "It has 1 to 255 letters, digits, `_` or `-`, and "+
					"the store must exist for the token's merchant; changing it replaces the resource."),
				Required:      true,
				Validators:    []validator.String{validStoreID()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"method": schema.StringAttribute{
				MarkdownDescription: connectorDocs.argument("method", "It must be one of the store's applicable methods; "+
					"changing it replaces the resource."),
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"endpoint_url": schema.StringAttribute{
				MarkdownDescription: connectorDocs.argument("endpoint_url", "It is an https URL such as "+
					"`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`, or "+
					"`https://{api-id}-{vpce-id}.execute-api.{region}.vpce.amazonaws.com/{stage}` for a private API. A trailing slash or the case of the host makes no difference, and the spelling "+
					"written here is kept. A portal in development mode also accepts `http` URLs on loopback."),
				Required:      true,
				CustomType:    endpointURLType{},
				Validators:    []validator.String{validEndpointURL()},
				PlanModifiers: []planmodifier.String{keepEquivalentEndpointURL{}},
			},
			"endpoint_type": schema.StringAttribute{
				MarkdownDescription: connectorDocs.argument("endpoint_type", "A `.vpce.amazonaws.com` host needs `PRIVATE`. "+
					"The function `provider::jwo::endpoint_type` maps an API Gateway endpoint configuration type to it."),
				Required:   true,
				Validators: []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.EndpointTypes)...)},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: connectorDocs.of("version"),
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
	}
	for _, name := range portalStrings {
		resp.Schema.Attributes[name] = schema.StringAttribute{
			MarkdownDescription: connectorDocs.of(name),
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	for name, attr := range runAttributes() {
		resp.Schema.Attributes[name] = attr
	}
}

func (r *storeConnectorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.stores, r.connectors = pd.client, pd.stores, pd.connectors
	}
}

// ValidateConfig catches a private (.vpce.amazonaws.com) host declared PUBLIC
// at plan time; the portal would refuse it only at apply.
func (r *storeConnectorResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg storeConnectorModel
	resp.Diagnostics.Append(getKeyAttributes(ctx, req.Config.GetAttribute, &cfg)...)
	if resp.Diagnostics.HasError() || !known(cfg.EndpointURL.StringValue) || !known(cfg.EndpointType) {
		return
	}
	ep, err := jwo.ParseEndpointURL(cfg.EndpointURL.ValueString(), endpointPolicy)
	t := jwo.EndpointType(cfg.EndpointType.ValueString())
	if err != nil || !t.Valid() {
		return // the attribute validators report these
	}
	if err := jwo.CheckEndpointType(ep, t); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint_type"), "Endpoint type does not fit the endpoint URL", err.Error())
	}
}

// ModifyPlan makes two promises honest. On create (and the create half of a
// replace) it asks the portal whether the store exists and the method applies
// to it, so that the plan fails rather than the apply; it does not run on
// other plans, so that a refresh costs one request per resource. On update it
// marks the server-side values unknown when the endpoint changes, so that the
// plan never shows a stale version or status.
func (r *storeConnectorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan storeConnectorModel
	resp.Diagnostics.Append(getKeyAttributes(ctx, req.Plan.GetAttribute, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !req.State.Raw.IsNull() {
		var state storeConnectorModel
		resp.Diagnostics.Append(getKeyAttributes(ctx, req.State.GetAttribute, &state)...)
		if resp.Diagnostics.HasError() || !endpointChanged(plan, state) {
			return
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version"), types.Int64Unknown())...)
		for _, name := range portalStrings {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
		}
		return
	}

	if !known(plan.StoreID) || !known(plan.Method) {
		return
	}
	storeID, method := plan.StoreID.ValueString(), jwo.Method(plan.Method.ValueString())
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), connectorID(storeID, method))...)
	if r.client == nil {
		return // provider not configured yet (unknown provider arguments): the apply checks
	}
	store, err := r.stores.Get(ctx, storeID)
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("store_id"), "Store not found", storeNotFound(storeID))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to read store "+storeID, err)
		return
	}
	if !jwo.MethodApplies(store.StoreProfile, method) {
		resp.Diagnostics.AddAttributeError(path.Root("method"), "Method does not apply to the store",
			jwo.NotApplicableError(store.StoreProfile, method).Error())
	}
}

func (r *storeConnectorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan storeConnectorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	storeID, method, in := plan.StoreID.ValueString(), jwo.Method(plan.Method.ValueString()), plan.input()

	// If-None-Match: * so that a configuration made in the portal is adopted
	// by import, never silently overwritten.
	conn, _, err := r.client.PutConnector(ctx, storeID, method, in, client.Precondition{IfNoneMatch: true})
	if client.IsPreconditionFailed(err) {
		existing, getErr := r.client.GetConnector(ctx, storeID, method)
		if getErr != nil {
			addAPIError(&resp.Diagnostics, "Connector already exists; unable to read it", getErr)
			return
		}
		if !sameConfiguration(existing, in) {
			resp.Diagnostics.AddError("Connector already exists", alreadyExists(storeID, method))
			return
		}
		// The portal holds exactly what was asked: either an earlier attempt
		// of this create succeeded but its answer was lost and the client's
		// retry met its own write, or someone saved the same values. Taking
		// it over overwrites nothing.
		tflog.Info(ctx, "connector already holds the planned configuration; adopting it",
			map[string]any{"store_id": storeID, "method": string(method), "version": existing.Version,
				"answer_lost": client.AnswerLost(err)})
		conn, err = existing, nil
	}
	if err != nil {
		addWriteError(&resp.Diagnostics, "create", storeID, method, err)
		return
	}
	r.connectors.Wrote(conn)
	plan.set(conn)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, newConnectorIdentity(storeID, method), &resp.Diagnostics)
}

func (r *storeConnectorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state storeConnectorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	storeID, method := state.StoreID.ValueString(), jwo.Method(state.Method.ValueString())
	// Before the read: the framework wants an identity even for an object
	// that the read finds gone.
	setIdentity(ctx, resp.Identity, newConnectorIdentity(storeID, method), &resp.Diagnostics)
	conn, err := r.connectors.Read(ctx, storeID, method)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "connector no longer exists in the portal; removing it from state",
			map[string]any{"store_id": storeID, "method": string(method)})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read connector %s", connectorID(storeID, method)), err)
		return
	}
	state.set(conn)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *storeConnectorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state storeConnectorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	storeID, method := plan.StoreID.ValueString(), jwo.Method(plan.Method.ValueString())

	// If-Match with the version Terraform last saw: a change made in the
	// portal since then makes this fail instead of being overwritten.
	in := plan.input()
	conn, _, err := r.client.PutConnector(ctx, storeID, method, in, client.Precondition{IfMatchVersion: state.Version.ValueInt64()})
	if client.IsPreconditionFailed(err) {
		conn, err = r.ownLostUpdate(ctx, storeID, method, in, err)
		if client.IsPreconditionFailed(err) {
			resp.Diagnostics.AddError("Connector changed outside Terraform", changedOutside(storeID, method, state.Version.ValueInt64()))
			return
		}
	}
	if err != nil {
		addWriteError(&resp.Diagnostics, "update", storeID, method, err)
		return
	}
	r.connectors.Wrote(conn)
	plan.set(conn)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, newConnectorIdentity(storeID, method), &resp.Diagnostics)
}

// ownLostUpdate decides a 412 met by an update. When an earlier attempt of
// the PUT lost its answer, that attempt may have moved the version itself:
// then a connector that holds exactly the planned values is this update,
// done. Anything else is a change made outside Terraform, and preconditionErr
// comes back unchanged so that it is reported as one.
func (r *storeConnectorResource) ownLostUpdate(ctx context.Context, storeID string, m jwo.Method, in jwo.ConnectorInput, preconditionErr error) (jwo.Connector, error) {
	if !client.AnswerLost(preconditionErr) {
		return jwo.Connector{}, preconditionErr
	}
	current, err := r.client.GetConnector(ctx, storeID, m)
	if err != nil {
		return jwo.Connector{}, err
	}
	if !sameConfiguration(current, in) {
		return jwo.Connector{}, preconditionErr
	}
	tflog.Info(ctx, "an update whose answer was lost had been applied; the connector holds the planned configuration",
		map[string]any{"store_id": storeID, "method": string(m), "version": current.Version})
	return current, nil
}

func (r *storeConnectorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state storeConnectorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	storeID, method := state.StoreID.ValueString(), jwo.Method(state.Method.ValueString())
	err := r.client.DeleteConnector(ctx, storeID, method, client.Precondition{IfMatchVersion: state.Version.ValueInt64()})
	switch {
	case err == nil, client.IsNotFound(err):
		r.connectors.Deleted(storeID, method)
		// Gone: by this call, by an earlier attempt of it whose answer was
		// lost (the retry then meets 404), or by someone else. Either way
		// what the destroy asked for.
	case client.IsPreconditionFailed(err):
		resp.Diagnostics.AddError("Connector changed outside Terraform", changedOutside(storeID, method, state.Version.ValueInt64()))
	default:
		addWriteError(&resp.Diagnostics, "delete", storeID, method, err)
	}
}

// input is the body of the PUT.
func (m storeConnectorModel) input() jwo.ConnectorInput {
	return jwo.ConnectorInput{
		EndpointURL:  m.EndpointURL.ValueString(),
		EndpointType: jwo.EndpointType(m.EndpointType.ValueString()),
	}
}

// set refreshes every attribute from the portal, except what test runs
// change, which stays null (see runAttributes). The endpoint URL keeps the
// spelling already held when the portal's is equivalent, so that neither an
// apply nor a refresh turns "HTTPS://Host/" into a diff.
func (m *storeConnectorModel) set(c jwo.Connector) {
	m.ID = types.StringValue(connectorID(c.StoreID, c.Method))
	m.StoreID = types.StringValue(c.StoreID)
	m.Method = types.StringValue(string(c.Method))
	if !known(m.EndpointURL.StringValue) || !jwo.EquivalentEndpointURLs(m.EndpointURL.ValueString(), c.EndpointURL) {
		m.EndpointURL = newEndpointURLValue(c.EndpointURL)
	}
	m.EndpointType = types.StringValue(string(c.EndpointType))
	m.Version = types.Int64Value(c.Version)
	m.ConnectivityStatus, m.LastTestID = types.StringNull(), types.StringNull()
	m.UpdatedAt = timeValue(c.UpdatedAt)
	m.UpdatedBy = types.StringValue(c.UpdatedBy)
	m.LastChangedVia = types.StringValue(string(c.LastChangedVia))
}

// getKeyAttributes reads the four arguments into m, one attribute at a
// time. ValidateConfig and ModifyPlan run for every resource of every plan
// and need nothing else; the framework's whole-model Get reflects over all
// ten fields and compiles a regular expression per field on each call.
func getKeyAttributes(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, m *storeConnectorModel) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(get(ctx, path.Root("store_id"), &m.StoreID)...)
	diags.Append(get(ctx, path.Root("method"), &m.Method)...)
	diags.Append(get(ctx, path.Root("endpoint_url"), &m.EndpointURL)...)
	diags.Append(get(ctx, path.Root("endpoint_type"), &m.EndpointType)...)
	return diags
}

// endpointChanged: a different endpoint (not merely a different spelling) or
// type, or one not known until apply.
func endpointChanged(plan, state storeConnectorModel) bool {
	if !known(plan.EndpointURL.StringValue) || !known(plan.EndpointType) {
		return true
	}
	return !jwo.EquivalentEndpointURLs(plan.EndpointURL.ValueString(), state.EndpointURL.ValueString()) ||
		plan.EndpointType.ValueString() != state.EndpointType.ValueString()
}

// sameConfiguration: the saved connector is what the input asks for.
func sameConfiguration(c jwo.Connector, in jwo.ConnectorInput) bool {
	return c.EndpointType == in.EndpointType && jwo.EquivalentEndpointURLs(c.EndpointURL, in.EndpointURL)
}

func connectorID(storeID string, m jwo.Method) string { return storeID + "/" + string(m) }

func storeNotFound(storeID string) string {
	return fmt.Sprintf("Store %q does not exist for this token's merchant. Check the id (the jwo_stores data source "+
		"lists the stores this token can see) and that the token belongs to the store's merchant.", storeID)
}

func alreadyExists(storeID string, m jwo.Method) string {
	id := connectorID(storeID, m)
	return fmt.Sprintf("A connector for store %q and method %s already exists in the portal, with a different "+
		"configuration than this resource's. Terraform does not overwrite it. To manage it with Terraform, adopt it "+
		"with an import block (replace <name> with this resource's name):\n\n"+
		"import {\n  to = jwo_store_connector.<name>\n  id = %q\n}\n\n"+
		"or run: terraform import jwo_store_connector.<name> %s", storeID, m, id, id)
}

func changedOutside(storeID string, m jwo.Method, version int64) string {
	return fmt.Sprintf("The connector %s was changed outside Terraform since the last refresh (Terraform last saw "+
		"version %d), so it was not overwritten. Run terraform apply -refresh-only (or plan again) to see the change, "+
		"review it, then apply.", connectorID(storeID, m), version)
}

// addWriteError explains a failed PUT or DELETE with the fix.
func addWriteError(diags *diag.Diagnostics, verb, storeID string, m jwo.Method, err error) {
	summary := fmt.Sprintf("Unable to %s connector %s", verb, connectorID(storeID, m))
	switch {
	case client.IsForbidden(err):
		diags.AddError(summary, forbiddenDetail)
	case client.IsNotFound(err):
		diags.AddAttributeError(path.Root("store_id"), summary, storeNotFound(storeID))
	case client.IsConflict(err):
		diags.AddAttributeError(path.Root("method"), summary, apiDetail(err))
	case client.IsValidation(err):
		addFieldErrors(diags, summary, err, "endpoint_url", "endpoint_type")
	default:
		addAPIError(diags, summary, err)
	}
}
