// The file is not named resource_connectivity_test.go: the _test.go suffix
// would make Go compile it into tests only.

package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/provider/readcache"
)

var (
	_ resource.ResourceWithConfigure      = &connectivityTestResource{}
	_ resource.ResourceWithImportState    = &connectivityTestResource{}
	_ resource.ResourceWithValidateConfig = &connectivityTestResource{}
)

// defaultTestCreateTimeout bounds the wait for a run when timeouts.create is
// not set; the portal's own per-call timeout is far shorter.
const defaultTestCreateTimeout = 5 * time.Minute

// connectivityTestResource is one connectivity test run. Creating it runs the
// test; the run is immutable afterwards, so every recorded field is kept from
// state and a new run needs a replacement (a change of triggers, say).
type connectivityTestResource struct {
	client *client.Client
	runs   *readcache.Runs // what Read serves from, shared by the process
}

type connectivityTestModel struct {
	ID                 types.String   `tfsdk:"id"`
	StoreID            types.String   `tfsdk:"store_id"`
	Method             types.String   `tfsdk:"method"`
	SKU                types.String   `tfsdk:"sku"`
	Suite              types.String   `tfsdk:"suite"`
	Triggers           types.Map      `tfsdk:"triggers"`
	FailOnUnsuccessful types.Bool     `tfsdk:"fail_on_unsuccessful"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`

	Status       types.String `tfsdk:"status"`
	Reason       types.String `tfsdk:"reason"`
	Message      types.String `tfsdk:"message"`
	HTTPStatus   types.Int64  `tfsdk:"http_status"`
	LatencyMS    types.Int64  `tfsdk:"latency_ms"`
	EndpointURL  types.String `tfsdk:"endpoint_url"`
	EndpointType types.String `tfsdk:"endpoint_type"`
	StartedAt    types.String `tfsdk:"started_at"`
	CompletedAt  types.String `tfsdk:"completed_at"`
	Cases        types.List   `tfsdk:"cases"`
}

// NewConnectivityTestResource is the constructor the provider registers.
func NewConnectivityTestResource() resource.Resource { return &connectivityTestResource{} }

func (r *connectivityTestResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connectivity_test"
}

func (r *connectivityTestResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// A finished run never changes: its fields are kept from state on an
	// in-place update (of fail_on_unsuccessful) and are unknown only when a
	// replacement runs a new test.
	recorded := func(name string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: runDocs.of(name),
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	recordedInt := func(name string) schema.Int64Attribute {
		return schema.Int64Attribute{
			MarkdownDescription: runDocs.of(name),
			Computed:            true,
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs one connectivity test of a saved connector and records the run: the portal sends the " +
			"method's documented request to the saved endpoint and classifies the answer (`suite = \"CONFORMANCE\"`: every " +
			"documented case of the method, each judged). Creating the resource runs " +
			"the test and waits for it; changing `triggers` (or the store, method, SKU or suite) runs a new one. Destroying it " +
			"only forgets the record: the portal keeps the history. The test runs against the endpoint saved in the " +
			"portal, so make it depend on the `jwo_store_connector` it tests.",
		Attributes: map[string]schema.Attribute{
			"id": recorded("id"),
			"store_id": schema.StringAttribute{
				MarkdownDescription: runDocs.argument("store_id", "Changing it runs a new test."),
				Required:            true,
				Validators:          []validator.String{validStoreID()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"method": schema.StringAttribute{
				MarkdownDescription: runDocs.argument("method", "Changing it runs a new test."),
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"sku": schema.StringAttribute{
				MarkdownDescription: runDocs.argument("sku", skuRule, "Changing it runs a new test."),
				Optional:            true,
				Validators:          []validator.String{validSKU()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"suite": schema.StringAttribute{
				MarkdownDescription: runDocs.argument("suite", "Defaults to `CONNECTIVITY`. Changing it runs a new test."),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(string(jwo.SuiteConnectivity)),
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Suites)...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"cases": schema.ListNestedAttribute{
				MarkdownDescription: runDocs.of("cases"),
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: caseResourceAttributes()},
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values that, when changed, run a new test (the resource is replaced). Use " +
					"the connector's `version` or the API Gateway deployment id to re-test after every change.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"fail_on_unsuccessful": schema.BoolAttribute{
				MarkdownDescription: "When `true`, a run that ends `UNSUCCESSFUL` fails the apply with its reason and " +
					"message (for a `CONFORMANCE` run, the cases that did not pass), and the resource is not created. When `false` (the default), the run is recorded whatever " +
					"its outcome, for checks and outputs to use. Changing it does not run a new test.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"status":        recorded("status"),
			"reason":        recorded("reason"),
			"message":       recorded("message"),
			"http_status":   recordedInt("http_status"),
			"latency_ms":    recordedInt("latency_ms"),
			"endpoint_url":  recorded("endpoint_url"),
			"endpoint_type": recorded("endpoint_type"),
			"started_at":    recorded("started_at"),
			"completed_at":  recorded("completed_at"),
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *connectivityTestResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.runs = pd.client, pd.runs
	}
}

// ValidateConfig applies the SKU rule at plan time: the Ordering test puts an
// item in a cart, the others have no cart.
func (r *connectivityTestResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg connectivityTestModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !known(cfg.Method) {
		return
	}
	checkTestSKU(&resp.Diagnostics, jwo.Method(cfg.Method.ValueString()), cfg.SKU)
}

// checkTestSKU is the plan-time SKU rule of a connectivity test, for the
// resource and the action alike. An unknown SKU is judged when it is known.
func checkTestSKU(diags *diag.Diagnostics, method jwo.Method, sku types.String) {
	if sku.IsUnknown() {
		return
	}
	if err := jwo.CheckTestSKU(method, !sku.IsNull()); err != nil {
		summary := "SKU not allowed for this method"
		if method.TakesSKU() {
			summary = "Missing SKU for the " + string(method) + " test"
		}
		diags.AddAttributeError(path.Root("sku"), summary, err.Error())
	}
}

func (r *connectivityTestResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan connectivityTestModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTestCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	storeID, method := plan.StoreID.ValueString(), jwo.Method(plan.Method.ValueString())
	// One key per Create: the client's retries of the POST return the same
	// run instead of starting a second one.
	key := uuid.NewString()
	run, err := r.client.StartRun(ctx, storeID, method, testInput(plan.SKU, plan.Suite), key)
	if err != nil {
		addStartError(&resp.Diagnostics, storeID, method, err)
		return
	}
	tflog.Info(ctx, "connectivity test started", map[string]any{"test_id": run.ID, "store_id": storeID, "method": string(method), "suite": suiteOf(run)})

	if !run.Status.Finished() {
		runID := run.ID
		run, err = r.client.WaitTest(ctx, runID)
		if err != nil {
			// ctx.Err, not only err: the client may wrap the deadline in its own error.
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
				resp.Diagnostics.AddError("Connectivity test did not finish in time",
					fmt.Sprintf("Run %s of %s was still RUNNING after %s. Raise timeouts.create, or look at the run later "+
						"with the jwo_connectivity_tests data source.", runID, connectorID(storeID, method), timeout))
				return
			}
			addAPIError(&resp.Diagnostics, "Unable to wait for the connectivity test", err)
			return
		}
	}

	if run.Status == jwo.TestUnsuccessful && plan.FailOnUnsuccessful.ValueBool() {
		resp.Diagnostics.AddError("Connectivity test UNSUCCESSFUL",
			fmt.Sprintf("%s run %s of %s against %s failed: reason %s: %s (HTTP status %d).%s\n\nfail_on_unsuccessful is true, "+
				"so the run is not recorded in state.", suiteOf(run), run.ID, connectorID(storeID, method), run.EndpointURL,
				run.Reason, run.Message, run.HTTPStatus, failedCases(run)))
		return
	}
	r.runs.Created(run)
	plan.set(run)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, testRunIdentityModel{ID: plan.ID}, &resp.Diagnostics)
}

func (r *connectivityTestResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectivityTestModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Before the read: the framework wants an identity even for a run that
	// the read finds gone.
	setIdentity(ctx, resp.Identity, testRunIdentityModel{ID: state.ID}, &resp.Diagnostics)
	run, err := r.runs.Read(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "connectivity test run no longer exists; removing it from state", map[string]any{"test_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read connectivity test "+state.ID.ValueString(), err)
		return
	}
	state.set(run)
	if state.FailOnUnsuccessful.IsNull() {
		state.FailOnUnsuccessful = types.BoolValue(false) // after import: the default
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only records a new fail_on_unsuccessful or timeouts: everything that
// would change the run replaces the resource instead.
func (r *connectivityTestResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan connectivityTestModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, testRunIdentityModel{ID: plan.ID}, &resp.Diagnostics)
}

// Delete forgets the run; the portal keeps its history on purpose.
func (r *connectivityTestResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// set records the run's fields.
func (m *connectivityTestModel) set(t jwo.ConnectivityTest) {
	m.ID = types.StringValue(t.ID)
	m.StoreID = types.StringValue(t.StoreID)
	m.Method = types.StringValue(string(t.Method))
	m.SKU = stringOrNull(t.SKU)
	m.Suite = types.StringValue(suiteOf(t))
	m.Cases = caseList(t.Cases)
	m.Status = types.StringValue(string(t.Status))
	m.Reason = stringOrNull(string(t.Reason))
	m.Message = stringOrNull(t.Message)
	m.HTTPStatus = types.Int64Value(int64(t.HTTPStatus))
	m.LatencyMS = types.Int64Value(t.LatencyMS)
	m.EndpointURL = types.StringValue(t.EndpointURL)
	m.EndpointType = types.StringValue(string(t.EndpointType))
	m.StartedAt = timeValue(t.StartedAt)
	m.CompletedAt = types.StringNull()
	if t.CompletedAt != nil {
		m.CompletedAt = timeValue(*t.CompletedAt)
	}
}

// testInput is the body of POST .../tests. CONNECTIVITY, the default, is
// left out, so that the request is the one a portal without suites takes.
func testInput(sku, suite types.String) jwo.TestInput {
	in := jwo.TestInput{SKU: sku.ValueString()}
	if s := suite.ValueString(); s != "" && s != string(jwo.SuiteConnectivity) {
		in.Suite = s
	}
	return in
}

// caseResourceAttributes are the read-only attributes of one case in the
// resource, described by caseDocs.
func caseResourceAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, t := range caseAttrTypes {
		switch t {
		case types.BoolType:
			attrs[name] = schema.BoolAttribute{Computed: true, MarkdownDescription: caseDocs.of(name)}
		case types.Int64Type:
			attrs[name] = schema.Int64Attribute{Computed: true, MarkdownDescription: caseDocs.of(name)}
		default:
			attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: caseDocs.of(name)}
		}
	}
	return attrs
}

// addStartError explains a refused POST .../tests with the fix.
func addStartError(diags *diag.Diagnostics, storeID string, m jwo.Method, err error) {
	summary := "Unable to start the connectivity test of " + connectorID(storeID, m)
	switch {
	case client.IsForbidden(err):
		diags.AddError(summary, forbiddenDetail)
	case client.IsNotFound(err):
		diags.AddError(summary, fmt.Sprintf("%s (HTTP 404). The store must exist for this token's merchant and have a "+
			"saved %s connector: declare the jwo_store_connector and reference it from this resource (e.g. in "+
			"triggers) so that it is saved first.", apiDetail(err), m))
	case client.IsValidation(err):
		addFieldErrors(diags, summary, err, "sku", "suite")
	default:
		addAPIError(diags, summary, err)
	}
}

// timeoutsBlock is the framework's timeouts block with a description of its
// own, which the library's constructor does not take.
func timeoutsBlock(ctx context.Context) schema.Block {
	b := timeouts.Block(ctx, timeouts.Opts{
		Create:            true,
		CreateDescription: "How long to wait for the run to finish, e.g. `\"2m\"`. Defaults to `\"5m\"`.",
	})
	if nb, ok := b.(schema.SingleNestedBlock); ok {
		nb.MarkdownDescription = "How long the apply waits for the connectivity test run."
		return nb
	}
	return b
}
