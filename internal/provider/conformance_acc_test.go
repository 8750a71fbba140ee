package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// retryCase is the Ordering case the breaking sample connector violates: a
// retry of the same shopping trip makes a second purchase.
const retryCase = "ordering.retry_is_idempotent"

// newBreakingConnector serves a sample connector that breaks exactly
// retryCase and passes every other case.
func newBreakingConnector(t *testing.T) *testConnector {
	return portaltest.StartConnector(t, connector.Options{Violate: []string{retryCase}})
}

// decidedCases are the statuses of the cases of the connector's newest run,
// by case id.
func (tp *testPortal) decidedCases(t *testing.T, store string, m jwo.Method) map[string]jwo.CaseStatus {
	t.Helper()
	runs, err := tp.Viewer.ListTests(context.Background(), store, m, 1)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs of %s/%s: %v, %v", store, m, runs, err)
	}
	out := map[string]jwo.CaseStatus{}
	for _, c := range runs[0].Cases {
		out[c.ID] = c.Status
	}
	return out
}

// TestAccConnectivityTest_conformance: with fail_on_unsuccessful, the
// CONFORMANCE suite against a connector that makes a second purchase on a
// retry fails the apply, naming that case and no other; against a
// conforming connector it records every case PASSED; a change of suite
// runs a new test; jwo_connectivity_tests shows both suites and the cases.
func TestAccConnectivityTest_conformance(t *testing.T) {
	tp := newTestPortal(t)
	good, bad := newTestConnector(t), newBreakingConnector(t)
	const addr = "jwo_connectivity_test.ordering"
	config := func(url, suite, history string) string {
		return tp.providerConfig(tp.OperatorToken) + connectorHCL("ordering", accStoreJWO, "ORDERING", url, "PUBLIC") + fmt.Sprintf(`
resource "jwo_connectivity_test" "ordering" {
  store_id             = jwo_store_connector.ordering.store_id
  method               = "ORDERING"
  sku                  = %q
  suite                = %q
  fail_on_unsuccessful = true
  triggers = {
    version = jwo_store_connector.ordering.version
  }
}
`, accSKU, suite) + history
	}
	// Read at apply, after the run: it depends on the test.
	history := `
data "jwo_connectivity_tests" "ordering" {
  store_id   = "` + accStoreJWO + `"
  method     = "ORDERING"
  depends_on = [jwo_connectivity_test.ordering]
}
`
	caseStatus := func(i int, id, status string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases").AtSliceIndex(i), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"id": knownvalue.StringExact(id), "status": knownvalue.StringExact(status), "required": knownvalue.Bool(true),
		}))
	}
	runOf := func(suite, status string, cases knownvalue.Check) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"suite": knownvalue.StringExact(suite), "status": knownvalue.StringExact(status), "cases": cases,
		})
	}
	ordering := len(jwo.ConformanceCases(jwo.MethodOrdering))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(bad.URL, "CONFORMANCE", ""),
				ExpectError: errorPattern("Connectivity test UNSUCCESSFUL", "CONFORMANCE run", "reason conformance",
					"Cases that did not pass:", "- "+retryCase+" (FAILED, required): expected 201 with the same purchaseId as the first call;",
					"a retry made a second purchase", "fail_on_unsuccessful is true"),
			},
			{
				PreConfig: func() {
					got := tp.decidedCases(t, accStoreJWO, jwo.MethodOrdering)
					if len(got) != ordering {
						t.Errorf("the failed suite decided %d cases, want %d: %v", len(got), ordering, got)
					}
					for id, s := range got {
						if want := jwo.CasePassed; id == retryCase && s != jwo.CaseFailed || id != retryCase && s != want {
							t.Errorf("the suite against the breaking connector: %s is %s", id, s)
						}
					}
				},
				Config: config(good.URL, "CONFORMANCE", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("suite"), knownvalue.StringExact("CONFORMANCE")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("SUCCESSFUL")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("reason"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases"), knownvalue.ListSizeExact(ordering)),
					caseStatus(0, "ordering.purchase", "PASSED"),
					caseStatus(1, retryCase, "PASSED"),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases").AtSliceIndex(1).AtMapKey("expected"),
						knownvalue.StringExact("201 with the same purchaseId as the first call")),
				},
			},
			{
				// Back to the connectivity test: a new run, no cases.
				Config: config(good.URL, "CONNECTIVITY", history),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("suite"), knownvalue.StringExact("CONNECTIVITY")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("SUCCESSFUL")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue("data.jwo_connectivity_tests.ordering", tfjsonpath.New("tests"), knownvalue.ListExact([]knownvalue.Check{
						runOf("CONNECTIVITY", "SUCCESSFUL", knownvalue.ListExact([]knownvalue.Check{})),
						runOf("CONFORMANCE", "SUCCESSFUL", knownvalue.ListSizeExact(ordering)),
						runOf("CONFORMANCE", "UNSUCCESSFUL", knownvalue.ListPartial(map[int]knownvalue.Check{
							1: knownvalue.ObjectPartial(map[string]knownvalue.Check{
								"id": knownvalue.StringExact(retryCase), "status": knownvalue.StringExact("FAILED"),
							}),
						})),
					})),
				},
			},
		},
	})
}

// TestAccRunConnectivityTestAction_conformance: terraform apply -invoke of
// the action with suite CONFORMANCE fails against the connector that breaks
// the Ordering retry case, listing that case, and succeeds against a
// conforming one.
func TestAccRunConnectivityTestAction_conformance(t *testing.T) {
	tp, plugins := newCLITest114(t)
	good, bad := newTestConnector(t), newBreakingConnector(t)
	ctx := context.Background()
	for store, url := range map[string]string{accStoreJWO: bad.URL, accStoreDashCart: good.URL} {
		if _, _, err := tp.Operator.PutConnector(ctx, store, jwo.MethodOrdering, jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	w := newCLIWorkspace(t, plugins, cliProviderBlock(tp, tp.OperatorToken)+fmt.Sprintf(`
action "jwo_run_connectivity_test" "breaking" {
  config {
    store_id = %[1]q
    method   = "ORDERING"
    sku      = %[3]q
    suite    = "CONFORMANCE"
  }
}

action "jwo_run_connectivity_test" "conforming" {
  config {
    store_id = %[2]q
    method   = "ORDERING"
    sku      = %[3]q
    suite    = "CONFORMANCE"
  }
}
`, accStoreJWO, accStoreDashCart, accSKU))

	out := flattenDiagnostics(w.mustRun(1, "apply", "-auto-approve", "-no-color", "-invoke=action.jwo_run_connectivity_test.breaking"))
	if !strings.Contains(out, "reason conformance") || !strings.Contains(out, "- "+retryCase+" (FAILED, required)") ||
		strings.Contains(out, "- ordering.purchase (") {
		t.Errorf("-invoke against the breaking connector: want the failure naming %s and no other case\n%s", retryCase, out)
	}
	out = flattenDiagnostics(w.mustRun(0, "apply", "-auto-approve", "-no-color", "-invoke=action.jwo_run_connectivity_test.conforming"))
	if want := fmt.Sprintf("SUCCESSFUL, %d cases decided", len(jwo.ConformanceCases(jwo.MethodOrdering))); !strings.Contains(out, want) {
		t.Errorf("-invoke against the conforming connector: want %q\n%s", want, out)
	}
}

// TestAccConnectivityTest_stateFromBeforeSuites: a jwo_connectivity_test
// recorded by a provider without suite and cases (its state has neither)
// plans nothing after this one refreshes it: no new run of the test.
func TestAccConnectivityTest_stateFromBeforeSuites(t *testing.T) {
	tp, plugins := newCLITest(t)
	c := newTestConnector(t)
	w := newCLIWorkspace(t, plugins, cliProviderBlock(tp, tp.OperatorToken)+
		connectorHCL("loyalty", accStoreJWO, "LOYALTY", c.URL, "PUBLIC")+`
resource "jwo_connectivity_test" "loyalty" {
  store_id = jwo_store_connector.loyalty.store_id
  method   = jwo_store_connector.loyalty.method
}
`)
	w.mustRun(0, "apply", "-auto-approve", "-no-color")
	path := filepath.Join(w.dir, "terraform.tfstate")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	removed := 0
	for _, r := range state["resources"].([]any) {
		res := r.(map[string]any)
		if res["type"] != "jwo_connectivity_test" {
			continue
		}
		for _, inst := range res["instances"].([]any) {
			attrs := inst.(map[string]any)["attributes"].(map[string]any)
			delete(attrs, "suite")
			delete(attrs, "cases")
			removed++
		}
	}
	if removed != 1 {
		t.Fatalf("found %d jwo_connectivity_test instances in the state, want 1", removed)
	}
	if raw, err = json.Marshal(state); err == nil {
		err = os.WriteFile(path, raw, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	if out, code := w.run(nil, "plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Errorf("plan of a state without suite and cases: exit %d, want 0 (nothing to do)\n%s", code, out)
	}
	if got := tp.runStatuses(t, accStoreJWO, jwo.MethodLoyalty); len(got) != 1 {
		t.Errorf("runs after the plan: %v, want the one of the apply", got)
	}
}
