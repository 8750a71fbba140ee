package apitest

import (
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// conformanceRun starts a CONFORMANCE run of storeCart's ORDERING connector
// and waits for its outcome.
func conformanceRun(t *testing.T, e *env, key string) jwo.ConnectivityTest {
	t.Helper()
	started, err := e.operator.StartRun(t.Context(), storeCart, jwo.MethodOrdering,
		jwo.TestInput{SKU: skuWater, Suite: string(jwo.SuiteConformance)}, key)
	if err != nil {
		t.Fatal(err)
	}
	if started.Suite != jwo.SuiteConformance || started.Status != jwo.TestRunning || started.Cases == nil {
		t.Fatalf("started %+v", started)
	}
	done, err := e.viewer.WaitTest(t.Context(), started.ID)
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// TestConformanceRunThroughTheAPI: a CONFORMANCE run against the sample
// connector passes every case; against one that answers a retried purchase
// with a new purchaseId it fails with reason conformance, that case FAILED
// and named in the message, every other case PASSED.
func TestConformanceRunThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	good := portaltest.StartConnector(t)
	put(t, e.operator, storeCart, jwo.MethodOrdering, good.URL)
	run := conformanceRun(t, e, "")
	want := len(jwo.ConformanceCases(jwo.MethodOrdering))
	if run.Status != jwo.TestSuccessful || run.Reason != jwo.ReasonNone || len(run.Cases) != want {
		t.Fatalf("against the sample connector: %s %s %q with %d cases (want %d)", run.Status, run.Reason, run.Message, len(run.Cases), want)
	}
	for _, c := range run.Cases {
		if c.Status != jwo.CasePassed {
			t.Errorf("case %s: %s (expected %q, observed %q)", c.ID, c.Status, c.Expected, c.Observed)
		}
	}

	const broken = "ordering.retry_is_idempotent"
	bad := portaltest.StartConnector(t, connector.Options{Violate: []string{broken}})
	put(t, e.operator, storeCart, jwo.MethodOrdering, bad.URL)
	run = conformanceRun(t, e, "conformance-1")
	if run.Status != jwo.TestUnsuccessful || run.Reason != jwo.ReasonConformance || !strings.Contains(run.Message, broken) {
		t.Fatalf("against a connector that breaks %s: %s %s %q", broken, run.Status, run.Reason, run.Message)
	}
	for _, c := range run.Cases {
		if (c.ID == broken) != (c.Status == jwo.CaseFailed) {
			t.Errorf("case %s: %s", c.ID, c.Status)
		}
	}
	conn, err := e.viewer.GetConnector(t.Context(), storeCart, jwo.MethodOrdering)
	if err != nil || conn.ConnectivityStatus != jwo.ConnectivityUnsuccessful || conn.LastTestID != run.ID {
		t.Errorf("the connector after a failed suite: %+v, %v", conn, err)
	}

	// The run reads the same through every route that shows runs.
	batch, err := e.viewer.GetTests(t.Context(), []string{run.ID})
	if err != nil || len(batch) != 1 || batch[0].Suite != jwo.SuiteConformance || len(batch[0].Cases) != want {
		t.Errorf("GET /v1/tests?test_id=: %+v, %v", batch, err)
	}
	history, err := e.viewer.ListTests(t.Context(), storeCart, jwo.MethodOrdering, 1)
	if err != nil || len(history) != 1 || history[0].ID != run.ID || len(history[0].Cases) != want {
		t.Errorf("the history: %+v, %v", history, err)
	}

	// The same key for another suite is another request.
	_, err = e.operator.StartRun(t.Context(), storeCart, jwo.MethodOrdering, jwo.TestInput{SKU: skuWater}, "conformance-1")
	if !client.IsConflict(err) {
		t.Errorf("a CONNECTIVITY run with a CONFORMANCE run's key: %v, want 409", err)
	}
	_, err = e.operator.StartRun(t.Context(), storeCart, jwo.MethodOrdering, jwo.TestInput{SKU: skuWater, Suite: "SMOKE"}, "")
	if fe := client.FieldErrors(err); len(fe) != 1 || fe[0].Field != "suite" {
		t.Errorf("an unknown suite: %v, want 422 naming suite", err)
	}
}
