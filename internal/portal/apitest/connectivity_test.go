package apitest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// run starts a test and waits for its verdict.
func run(t *testing.T, c *client.Client, storeID string, m jwo.Method, sku string) jwo.ConnectivityTest {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	started, err := c.StartTest(ctx, storeID, m, sku, client.NewIdempotencyKey())
	if err != nil {
		t.Fatalf("start %s test: %v", m, err)
	}
	if started.ID == "" || started.StoreID != storeID || started.Method != m || started.TriggeredBy == "" || started.StartedAt.IsZero() {
		t.Errorf("started run = %+v", started)
	}
	done, err := c.WaitTest(ctx, started.ID)
	if err != nil {
		t.Fatalf("wait for %s test: %v", m, err)
	}
	if done.ID != started.ID || done.CompletedAt == nil || done.CompletedAt.Before(done.StartedAt) {
		t.Errorf("finished run = %+v", done)
	}
	return done
}

func put(t *testing.T, c *client.Client, storeID string, m jwo.Method, url string) jwo.Connector {
	t.Helper()
	conn, _, err := c.PutConnector(t.Context(), storeID, m, jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, client.Precondition{})
	if err != nil {
		t.Fatalf("put %s connector: %v", m, err)
	}
	return conn
}

// TestConnectivitySuccessful runs every method against the sample connector.
func TestConnectivitySuccessful(t *testing.T) {
	e := newEnv(t)
	srv, sample := sampleConnector(t)
	for _, m := range jwo.Methods {
		t.Run(string(m), func(t *testing.T) {
			before := put(t, e.operator, storeFull, m, srv.URL)
			sku := ""
			if m == jwo.MethodOrdering {
				sku = skuWater
			}
			r := run(t, e.operator, storeFull, m, sku)
			if r.Status != jwo.TestSuccessful || r.Reason != jwo.ReasonNone || r.HTTPStatus != m.SuccessStatus() || r.EndpointURL != srv.URL {
				t.Errorf("run = %+v, want SUCCESSFUL with HTTP %d", r, m.SuccessStatus())
			}
			if sample.Calls(m) != 1 {
				t.Errorf("connector saw %d calls of %s, want 1", sample.Calls(m), m)
			}
			after, err := e.viewer.GetConnector(t.Context(), storeFull, m)
			if err != nil {
				t.Fatal(err)
			}
			if after.ConnectivityStatus != jwo.ConnectivitySuccessful || after.LastTestID != r.ID || after.Version != before.Version {
				t.Errorf("connector after the run = %+v, want SUCCESSFUL, last_test_id %s, version %d unchanged", after, r.ID, before.Version)
			}
		})
	}

	// Saving a changed endpoint resets the status to UNTESTED.
	changed := put(t, e.operator, storeFull, jwo.MethodLoyalty, srv.URL+"/v2")
	if changed.ConnectivityStatus != jwo.ConnectivityUntested || changed.Version != 2 {
		t.Errorf("after an endpoint change: %+v, want UNTESTED version 2", changed)
	}
}

func TestConnectivityUnsuccessful(t *testing.T) {
	e := newEnv(t)

	put(t, e.operator, storeFull, jwo.MethodLoyalty, closedPort(t))
	r := run(t, e.operator, storeFull, jwo.MethodLoyalty, "")
	if r.Status != jwo.TestUnsuccessful || r.Reason != jwo.ReasonConnect || r.HTTPStatus != 0 || r.Message == "" {
		t.Errorf("closed port: %+v, want UNSUCCESSFUL reason connect", r)
	}
	conn, err := e.viewer.GetConnector(t.Context(), storeFull, jwo.MethodLoyalty)
	if err != nil || conn.ConnectivityStatus != jwo.ConnectivityUnsuccessful || conn.LastTestID != r.ID {
		t.Errorf("connector after a failed run: %+v, %v", conn, err)
	}

	// A 5xx answer is http_status, with the code kept.
	srv, sample := sampleConnector(t)
	sample.SetFault(jwo.MethodIdentity, connector.Status(503))
	put(t, e.operator, storeFull, jwo.MethodIdentity, srv.URL)
	r = run(t, e.operator, storeFull, jwo.MethodIdentity, "")
	if r.Status != jwo.TestUnsuccessful || r.Reason != jwo.ReasonHTTPStatus || r.HTTPStatus != 503 {
		t.Errorf("503: %+v, want UNSUCCESSFUL reason http_status 503", r)
	}
}

// TestOrderingSKU: an Ordering test with a SKU that is missing or not in the
// catalog is refused with 422 before any call reaches the connector.
func TestOrderingSKU(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	srv, sample := sampleConnector(t)
	put(t, e.operator, storeCart, jwo.MethodOrdering, srv.URL)

	for _, sku := range []string{"NOT-IN-CATALOG", ""} {
		_, err := e.operator.StartTest(ctx, storeCart, jwo.MethodOrdering, sku, "")
		if !client.IsValidation(err) || !fieldNamed(err, "sku") {
			t.Errorf("sku %q: %v, want 422 naming sku", sku, err)
		}
	}
	if n := sample.Calls(jwo.MethodOrdering); n != 0 {
		t.Errorf("the connector was called %d times before the SKU was checked", n)
	}
	if runs, err := e.viewer.ListTests(ctx, storeCart, jwo.MethodOrdering, 0); err != nil || len(runs) != 0 {
		t.Errorf("refused tests left runs: %+v, %v", runs, err)
	}

	r := run(t, e.operator, storeCart, jwo.MethodOrdering, skuWater)
	if r.Status != jwo.TestSuccessful || r.SKU != skuWater || r.HTTPStatus != 201 {
		t.Errorf("run with a catalog SKU: %+v", r)
	}
	if n := sample.Calls(jwo.MethodOrdering); n != 1 {
		t.Errorf("connector calls = %d, want 1", n)
	}
}

func TestRuns(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	srv, sample := sampleConnector(t)

	_, err := e.operator.StartTest(ctx, storeFull, jwo.MethodFraudAndAbuse, "", "")
	if !client.IsNotFound(err) {
		t.Errorf("test without a saved connector: %v, want 404", err)
	}
	_, err = e.viewer.GetTest(ctx, "no-such-run")
	if !client.IsNotFound(err) {
		t.Errorf("unknown run: %v, want 404", err)
	}
	_, err = e.viewer.ListTests(ctx, "acme-nosuch", jwo.MethodLoyalty, 0)
	if !client.IsNotFound(err) {
		t.Errorf("history of an unknown store: %v, want 404", err)
	}

	put(t, e.operator, storeFull, jwo.MethodFraudAndAbuse, srv.URL)

	// The same Idempotency-Key gives back the same run; another key starts another.
	first, err := e.operator.StartTest(ctx, storeFull, jwo.MethodFraudAndAbuse, "", "key-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.admin.StartTest(ctx, storeFull, jwo.MethodFraudAndAbuse, "", "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("repeated Idempotency-Key started run %s, want %s again", again.ID, first.ID)
	}
	if _, err := e.operator.WaitTest(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	afterDone, err := e.operator.StartTest(ctx, storeFull, jwo.MethodFraudAndAbuse, "", "key-1")
	if err != nil || afterDone.ID != first.ID {
		t.Errorf("key repeated after the run finished: %+v, %v, want run %s", afterDone, err, first.ID)
	}
	// A key is bound to its request: another SKU under it is a conflict; a
	// SKU for a method other than ORDERING is invalid.
	_, err = e.operator.StartTest(ctx, storeFull, jwo.MethodFraudAndAbuse, skuWater, "key-1")
	if !client.IsConflict(err) {
		t.Errorf("key reused with a SKU: %v, want 409", err)
	}
	_, err = e.operator.StartTest(ctx, storeFull, jwo.MethodFraudAndAbuse, skuWater, "")
	if !client.IsValidation(err) || !fieldNamed(err, "sku") {
		t.Errorf("SKU for FRAUD_AND_ABUSE: %v, want 422 naming sku", err)
	}

	// The 202 points at the run.
	resp, body := e.raw("POST", "/v1/stores/"+storeFull+"/connectors/fraud_and_abuse/tests", e.token(acme, jwo.RoleOperator), nil, "Idempotency-Key", "key-1")
	var viaRaw jwo.ConnectivityTest
	if err := json.Unmarshal(body, &viaRaw); err != nil || resp.StatusCode != 202 || viaRaw.ID != first.ID || resp.Header.Get("Location") != "/v1/tests/"+first.ID {
		t.Errorf("raw POST with key-1: %d Location %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}

	second, err := e.operator.StartTest(ctx, storeFull, jwo.MethodFraudAndAbuse, "", "key-2")
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID {
		t.Error("a new key gave back the old run")
	}
	if _, err := e.operator.WaitTest(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	if n := sample.Calls(jwo.MethodFraudAndAbuse); n != 2 {
		t.Errorf("connector calls = %d, want 2 (one per distinct key)", n)
	}

	runs, err := e.viewer.ListTests(ctx, storeFull, jwo.MethodFraudAndAbuse, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != second.ID || runs[1].ID != first.ID {
		t.Errorf("history = %v, want [%s %s] (newest first)", ids(runs), second.ID, first.ID)
	}
	runs, err = e.viewer.ListTests(ctx, storeFull, jwo.MethodFraudAndAbuse, 1)
	if err != nil || len(runs) != 1 || runs[0].ID != second.ID {
		t.Errorf("limit 1: %v, %v, want the newest run", ids(runs), err)
	}
	got, err := e.viewer.GetTest(ctx, first.ID)
	if err != nil || got.ID != first.ID || got.Status != jwo.TestSuccessful {
		t.Errorf("GET run: %+v, %v", got, err)
	}

	// The history stays after the connector is deleted.
	if err := e.operator.DeleteConnector(ctx, storeFull, jwo.MethodFraudAndAbuse, client.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.viewer.GetTest(ctx, first.ID); err != nil {
		t.Errorf("run after its connector was deleted: %v", err)
	}
}

func ids(runs []jwo.ConnectivityTest) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.ID
	}
	return out
}
