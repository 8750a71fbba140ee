package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const runTestAction = "jwo_run_connectivity_test"

// actions is the server's action side (a separate interface in
// terraform-plugin-go until actions leave their preview).
func (p *protoProvider) actions() tfprotov6.ActionServer {
	p.t.Helper()
	s, ok := p.srv.(tfprotov6.ActionServer)
	if !ok {
		p.t.Fatal("the provider server serves no actions")
	}
	return s
}

func (p *protoProvider) actionConfig(attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	s := p.schema.ActionSchemas[runTestAction]
	if s == nil {
		p.t.Fatalf("the provider has no action %s", runTestAction)
	}
	return p.dynamic(s.Schema.Block, attrs)
}

// invoke runs the action and returns its progress messages and the
// diagnostics of its completion.
func (p *protoProvider) invoke(attrs map[string]tftypes.Value) (progress []string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	resp, err := p.actions().InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{ActionType: runTestAction, Config: p.actionConfig(attrs)})
	if err != nil {
		p.t.Fatal(err)
	}

	for ev := range resp.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			diags = append(diags, e.Diagnostics...)
		}
	}
	return progress, diags
}

func warningsOf(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			out = append(out, d.Summary+": "+d.Detail)
		}
	}
	return out
}

// TestRunConnectivityTestAction_validate: the SKU rule of the resource holds
// when Terraform validates and plans the action.
func TestRunConnectivityTestAction_validate(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	p := newProtoProvider(t, tp, tp.OperatorToken)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		attrs map[string]tftypes.Value
		want  string // "" for no error
	}{
		{"ORDERING without sku", map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("ORDERING")}, "sku"},
		{"sku on LOYALTY", map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("LOYALTY"), "sku": str(accSKU)}, "sku"},
		{"unknown method", map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("TELEPORT")}, "method"},
		{"ORDERING with sku", map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("ORDERING"), "sku": str(accSKU)}, ""},
		{"unknown sku", map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("ORDERING"), "sku": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}, ""},
	} {
		resp, err := p.actions().ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: runTestAction, Config: p.actionConfig(tc.attrs)})
		if err != nil {
			t.Fatal(err)
		}
		errs := errorsOf(resp.Diagnostics)
		switch {
		case tc.want == "" && len(errs) > 0:
			t.Errorf("%s: %v, want no error", tc.name, errs)
		case tc.want != "" && (len(errs) != 1 || !strings.HasPrefix(errs[0], `AttributeName("`+tc.want+`"): `)):
			t.Errorf("%s: %v, want one error on %s", tc.name, errs, tc.want)
		}
	}
	plan, err := p.actions().PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: runTestAction,
		Config: p.actionConfig(map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("LOYALTY")})})
	if err != nil {
		t.Fatal(err)
	}
	if errs := errorsOf(plan.Diagnostics); len(errs) > 0 {
		t.Errorf("PlanAction: %v", errs)
	}
}

// TestRunConnectivityTestAction_invoke: a run against the sample connector
// reports RUNNING, then succeeds; a run against a closed port fails with its
// reason, or warns when allow_unsuccessful; a connector that is not saved is
// an error that says so.
func TestRunConnectivityTestAction_invoke(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	c := newTestConnector(t)
	c.Connector.SetLatency(300 * time.Millisecond) // the POST answers while the run is RUNNING
	ctx := context.Background()
	save := func(m jwo.Method, url string) {
		if _, _, err := tp.Operator.PutConnector(ctx, accStoreJWO, m, jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	save(jwo.MethodOrdering, c.URL)
	save(jwo.MethodLoyalty, closedLoopbackURL(t))
	p := newProtoProvider(t, tp, tp.OperatorToken)

	progress, diags := p.invoke(map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("ORDERING"), "sku": str(accSKU)})
	if errs := errorsOf(diags); len(errs) > 0 {
		t.Fatalf("successful run: %v", errs)
	}
	if len(progress) != 2 || !strings.Contains(progress[0], "RUNNING") || !strings.Contains(progress[1], "SUCCESSFUL, HTTP 201") {
		t.Errorf("progress of a successful run: %q, want RUNNING then SUCCESSFUL", progress)
	}
	if n := c.Connector.Calls(jwo.MethodOrdering); n != 1 {
		t.Errorf("the connector saw %d ORDERING calls, want 1", n)
	}
	if saved, err := tp.Viewer.GetConnector(ctx, accStoreJWO, jwo.MethodOrdering); err != nil || saved.ConnectivityStatus != jwo.ConnectivitySuccessful {
		t.Errorf("connector after the run: %+v, %v; want SUCCESSFUL", saved, err)
	}

	loyalty := map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("LOYALTY")}
	_, diags = p.invoke(loyalty)
	if errs := errorsOf(diags); len(errs) != 1 || !strings.Contains(errs[0], "reason connect") || !strings.Contains(errs[0], "allow_unsuccessful") {
		t.Errorf("UNSUCCESSFUL run: %v, want one error with reason connect", errs)
	}
	loyalty["allow_unsuccessful"] = tftypes.NewValue(tftypes.Bool, true)
	_, diags = p.invoke(loyalty)
	if errs, warns := errorsOf(diags), warningsOf(diags); len(errs) > 0 || len(warns) != 1 || !strings.Contains(warns[0], "reason connect") {
		t.Errorf("UNSUCCESSFUL run allowed: errors %v, warnings %v; want one warning", errs, warns)
	}

	_, diags = p.invoke(map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("IDENTITY")})
	if errs := errorsOf(diags); len(errs) != 1 || !strings.Contains(errs[0], "saved IDENTITY connector") {
		t.Errorf("no saved connector: %v", errs)
	}
	viewer := newProtoProvider(t, tp, tp.ViewerToken)
	if _, diags = viewer.invoke(loyalty); len(errorsOf(diags)) != 1 {
		t.Errorf("a viewer token runs a test: %v, want an error", errorsOf(diags))
	}
}
