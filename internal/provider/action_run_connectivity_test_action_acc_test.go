package provider

// The action on a real Terraform 1.14+: through an action_trigger of the
// connector (plugin-testing applies it) and through `terraform apply
// -invoke` (plugin-testing has no step for it, so the binary runs it). The
// protocol-level tests in action_run_connectivity_test_action_test.go cover
// the progress events and the errors a binary cannot provoke.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// runStatuses is the statuses of the connector's runs, newest first.
func (tp *testPortal) runStatuses(t *testing.T, store string, m jwo.Method) []jwo.TestStatus {
	t.Helper()
	runs, err := tp.Viewer.ListTests(context.Background(), store, m, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := []jwo.TestStatus{}
	for _, r := range runs {
		out = append(out, r.Status)
	}
	return out
}

// expectRuns is a Check: the connector's runs, newest first, are want.
func (tp *testPortal) expectRuns(t *testing.T, store string, m jwo.Method, want ...jwo.TestStatus) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := tp.runStatuses(t, store, m); !slices.Equal(got, want) {
			return fmt.Errorf("runs of %s/%s, newest first: %v, want %v", store, m, got, want)
		}
		return nil
	}
}

// TestAccRunConnectivityTestAction_trigger: an action_trigger of the
// connector tests the endpoint after create and after every update; an
// UNSUCCESSFUL run fails the apply, unless allow_unsuccessful, and an apply
// that changes nothing runs nothing.
func TestAccRunConnectivityTestAction_trigger(t *testing.T) {
	tp := newTestPortal(t)
	c := newTestConnector(t)
	closedA, closedB := closedLoopbackURL(t), closedLoopbackURL(t)
	config := func(url string, allowUnsuccessful bool) string {
		return tp.providerConfig(tp.OperatorToken) + fmt.Sprintf(`
resource "jwo_store_connector" "loyalty" {
  store_id      = %[1]q
  method        = "LOYALTY"
  endpoint_url  = %[2]q
  endpoint_type = "PUBLIC"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.jwo_run_connectivity_test.loyalty]
    }
  }
}

action "jwo_run_connectivity_test" "loyalty" {
  config {
    store_id           = %[1]q
    method             = "LOYALTY"
    allow_unsuccessful = %[3]t
  }
}
`, accStoreJWO, url, allowUnsuccessful)
	}
	ok, failed := jwo.TestSuccessful, jwo.TestUnsuccessful
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{Config: config(c.URL, false), Check: tp.expectRuns(t, accStoreJWO, jwo.MethodLoyalty, ok)},
			{
				Config:      config(closedA, false),
				ExpectError: errorPattern("Connectivity test UNSUCCESSFUL", "reason connect", "allow_unsuccessful = true"),
			},
			{
				// The failed apply kept the new endpoint: only a change
				// triggers the action again.
				Config: config(closedB, true),
				Check:  tp.expectRuns(t, accStoreJWO, jwo.MethodLoyalty, failed, failed, ok),
			},
			{
				Config:   config(closedB, true),
				PlanOnly: true,
				Check:    tp.expectRuns(t, accStoreJWO, jwo.MethodLoyalty, failed, failed, ok),
			},
		},
	})
}

// TestAccRunConnectivityTestAction_invoke: terraform apply -invoke runs one
// test of the saved endpoint and changes nothing else; an UNSUCCESSFUL run
// exits 1 with the run's reason, unless allow_unsuccessful, which only warns.
func TestAccRunConnectivityTestAction_invoke(t *testing.T) {
	tp, plugins := newCLITest114(t)
	c := newTestConnector(t)
	ctx := context.Background()
	for m, url := range map[jwo.Method]string{jwo.MethodOrdering: c.URL, jwo.MethodLoyalty: closedLoopbackURL(t)} {
		if _, _, err := tp.Operator.PutConnector(ctx, accStoreJWO, m, jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	w := newCLIWorkspace(t, plugins, cliProviderBlock(tp, tp.OperatorToken)+fmt.Sprintf(`
action "jwo_run_connectivity_test" "ordering" {
  config {
    store_id = %[1]q
    method   = "ORDERING"
    sku      = %[2]q
  }
}

action "jwo_run_connectivity_test" "loyalty" {
  config {
    store_id = %[1]q
    method   = "LOYALTY"
  }
}

action "jwo_run_connectivity_test" "loyalty_reported" {
  config {
    store_id           = %[1]q
    method             = "LOYALTY"
    allow_unsuccessful = true
  }
}
`, accStoreJWO, accSKU))

	out := flattenDiagnostics(w.mustRun(0, "apply", "-auto-approve", "-no-color", "-invoke=action.jwo_run_connectivity_test.ordering"))
	if !strings.Contains(out, "Plan: 0 to add, 0 to change, 0 to destroy. Actions: 1 to invoke.") || !strings.Contains(out, "SUCCESSFUL, HTTP 201") {
		t.Errorf("-invoke of a SUCCESSFUL run: want nothing but the action planned, and its progress\n%s", out)
	}
	if got := tp.runStatuses(t, accStoreJWO, jwo.MethodOrdering); !slices.Equal(got, []jwo.TestStatus{jwo.TestSuccessful}) {
		t.Errorf("ORDERING runs after -invoke: %v, want one SUCCESSFUL", got)
	}

	out = flattenDiagnostics(w.mustRun(1, "apply", "-auto-approve", "-no-color", "-invoke=action.jwo_run_connectivity_test.loyalty"))
	if !strings.Contains(out, "Error: Error when invoking action Connectivity test UNSUCCESSFUL") || !strings.Contains(out, "reason connect") {
		t.Errorf("-invoke of an UNSUCCESSFUL run: want the error with its reason\n%s", out)
	}
	out = flattenDiagnostics(w.mustRun(0, "apply", "-auto-approve", "-no-color", "-invoke=action.jwo_run_connectivity_test.loyalty_reported"))
	if !strings.Contains(out, "Warning: Warning when invoking action Connectivity test UNSUCCESSFUL") || !strings.Contains(out, "allow_unsuccessful is true") {
		t.Errorf("-invoke of an UNSUCCESSFUL run with allow_unsuccessful: want a warning\n%s", out)
	}
	if got := tp.runStatuses(t, accStoreJWO, jwo.MethodLoyalty); !slices.Equal(got, []jwo.TestStatus{jwo.TestUnsuccessful, jwo.TestUnsuccessful}) {
		t.Errorf("LOYALTY runs after two -invoke: %v, want two UNSUCCESSFUL", got)
	}
}
