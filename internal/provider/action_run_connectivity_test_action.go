package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	_ action.ActionWithConfigure      = &runConnectivityTestAction{}
	_ action.ActionWithValidateConfig = &runConnectivityTestAction{}
)

// NewRunConnectivityTestAction returns the jwo_run_connectivity_test action
// (Terraform 1.14+): the portal page's Run Test button as code.
func NewRunConnectivityTestAction() action.Action { return &runConnectivityTestAction{} }

type runConnectivityTestAction struct{ client *client.Client }

type runConnectivityTestModel struct {
	StoreID           types.String `tfsdk:"store_id"`
	Method            types.String `tfsdk:"method"`
	SKU               types.String `tfsdk:"sku"`
	Suite             types.String `tfsdk:"suite"`
	AllowUnsuccessful types.Bool   `tfsdk:"allow_unsuccessful"`
}

// actionRunTimeout bounds one invocation: the portal's own test timeout is
// seconds, so this only matters when the portal stops answering.
const actionRunTimeout = 5 * time.Minute

func (a *runConnectivityTestAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_run_connectivity_test"
}

func (a *runConnectivityTestAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs one connectivity test of a saved connector, as the portal page's Run Test button does, " +
			"and waits for its outcome (Terraform 1.14 and later). It keeps nothing in state: use it to test on demand " +
			"(`terraform apply -invoke=action.jwo_run_connectivity_test.NAME`) or after a connector changes " +
			"(`action_trigger` of a `jwo_store_connector`). To keep the result for outputs and checks, use the " +
			"`jwo_connectivity_test` resource.",
		Attributes: map[string]schema.Attribute{
			"store_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: runDocs.argument("store_id"),
				Validators:          []validator.String{validStoreID()},
			},
			"method": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: runDocs.argument("method"),
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Methods)...)},
			},
			"sku": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: runDocs.argument("sku", skuRule),
				Validators:          []validator.String{validSKU()},
			},
			"suite": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: runDocs.argument("suite", "Defaults to `CONNECTIVITY`."),
				Validators:          []validator.String{stringvalidator.OneOf(jwo.Strings(jwo.Suites)...)},
			},
			"allow_unsuccessful": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "When `true`, a run that ends `UNSUCCESSFUL` is reported as a warning and the action " +
					"succeeds. When `false` (the default), it fails the action with the run's reason and message, and for a " +
					"`CONFORMANCE` run the cases that did not pass.",
			},
		},
	}
}

func (a *runConnectivityTestAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig applies the SKU rule of the jwo_connectivity_test resource
// when Terraform plans.
func (a *runConnectivityTestAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg runConnectivityTestModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !known(cfg.Method) {
		return
	}
	checkTestSKU(&resp.Diagnostics, jwo.Method(cfg.Method.ValueString()), cfg.SKU)
}

func (a *runConnectivityTestAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !checkDataSourceClient(a.client, &resp.Diagnostics) {
		return
	}
	var cfg runConnectivityTestModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, actionRunTimeout)
	defer cancel()
	storeID, method := cfg.StoreID.ValueString(), jwo.Method(cfg.Method.ValueString())
	id := connectorID(storeID, method)

	run, err := a.client.StartRun(ctx, storeID, method, testInput(cfg.SKU, cfg.Suite), uuid.NewString())
	if err != nil {
		addStartError(&resp.Diagnostics, storeID, method, err)
		return
	}
	if !run.Status.Finished() {
		progress(resp, fmt.Sprintf("%s run %s of %s is RUNNING against %s", suiteOf(run), run.ID, id, run.EndpointURL))
		runID := run.ID
		if run, err = a.client.WaitTest(ctx, runID); err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				resp.Diagnostics.AddError("Connectivity test did not finish in time",
					fmt.Sprintf("Run %s of %s was still RUNNING after %s; look at it later with the jwo_connectivity_tests data source.", runID, id, actionRunTimeout))
				return
			}
			addAPIError(&resp.Diagnostics, "Unable to wait for the connectivity test", err)
			return
		}
	}
	if run.Status == jwo.TestSuccessful {
		if len(run.Cases) > 0 {
			progress(resp, fmt.Sprintf("%s run %s of %s: SUCCESSFUL, %d cases decided in %d ms", suiteOf(run), run.ID, id, len(run.Cases), run.LatencyMS))
			return
		}
		progress(resp, fmt.Sprintf("Connectivity test %s of %s: SUCCESSFUL, HTTP %d in %d ms", run.ID, id, run.HTTPStatus, run.LatencyMS))
		return
	}
	detail := fmt.Sprintf("%s run %s of %s against %s failed: reason %s: %s (HTTP status %d).%s\n\n",
		suiteOf(run), run.ID, id, run.EndpointURL, run.Reason, run.Message, run.HTTPStatus, failedCases(run))
	if cfg.AllowUnsuccessful.ValueBool() {
		resp.Diagnostics.AddWarning("Connectivity test UNSUCCESSFUL", detail+" allow_unsuccessful is true, so the action succeeds.")
		return
	}
	resp.Diagnostics.AddError("Connectivity test UNSUCCESSFUL", detail+" Fix the endpoint, or set allow_unsuccessful = true to only report it.")
}

func progress(resp *action.InvokeResponse, msg string) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	}
}
