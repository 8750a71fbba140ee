package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

const orderingTests = orderingPath + "/tests"

func (e *env) startRun(who, path, body string, headers ...string) (jwo.ConnectivityTest, resp) {
	e.t.Helper()
	r := e.must(202, "POST", path, who, body, headers...)
	var run jwo.ConnectivityTest
	r.json(e.t, &run)
	return run, r
}

func TestStartTestRunsAgainstTheSavedEndpoint(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	run, r := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	if run.Status != jwo.TestRunning || run.CompletedAt != nil || run.EndpointURL != publicURL || run.EndpointType != jwo.EndpointPublic ||
		run.TriggeredBy != "otto-operator" || run.SKU != "WATER-500" || run.Method != jwo.MethodOrdering || run.StoreID != "acme-sea-01" {
		t.Errorf("started %+v", run)
	}
	if _, err := uuid.Parse(run.ID); err != nil {
		t.Errorf("id %q is not a UUID", run.ID)
	}
	if r.header.Get("Location") != "/v1/tests/"+run.ID {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	done := e.waitForRun(run.ID)
	if done.Status != jwo.TestSuccessful || done.HTTPStatus != 201 || done.LatencyMS != 12 || done.ResponseExcerpt != `{"ok":true}` ||
		done.CompletedAt == nil || done.Reason != "" || !done.StartedAt.Equal(run.StartedAt) {
		t.Errorf("finished %+v", done)
	}
	calls := e.tester.allCalls()
	if len(calls) != 1 || calls[0] != (tester.Call{Method: jwo.MethodOrdering, StoreID: "acme-sea-01", SKU: "WATER-500", EndpointURL: publicURL, EndpointType: jwo.EndpointPublic}) {
		t.Errorf("tester calls %+v", calls)
	}
	var c jwo.Connector
	e.must(200, "GET", orderingPath, "viewer", "").json(t, &c)
	if c.ConnectivityStatus != jwo.ConnectivitySuccessful || c.LastTestID != run.ID || c.Version != 1 {
		t.Errorf("connector after the run %+v", c)
	}

	// A failing run turns the connector UNSUCCESSFUL.
	e.tester.setRun(func(ctx context.Context, c tester.Call) tester.Result {
		return tester.Result{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonHTTPStatus, HTTPStatus: 403, Message: "403 Forbidden"}
	})
	run2, _ := e.startRun("admin", orderingTests, `{"sku":"WATER-500"}`)
	if done := e.waitForRun(run2.ID); done.Reason != jwo.ReasonHTTPStatus || done.HTTPStatus != 403 || done.TriggeredBy != "ada-admin" {
		t.Errorf("failed run %+v", done)
	}
	e.must(200, "GET", orderingPath, "viewer", "").json(t, &c)
	if c.ConnectivityStatus != jwo.ConnectivityUnsuccessful || c.LastTestID != run2.ID {
		t.Errorf("connector after a failed run %+v", c)
	}
}

func TestStartTestRefusals(t *testing.T) {
	e := newEnv(t)
	e.must(404, "POST", orderingTests, "operator", `{"sku":"WATER-500"}`)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	e.must(201, "PUT", "/v1/stores/acme-sea-01/connectors/loyalty", "operator", connectorBody(publicURL, jwo.EndpointPublic))
	e.must(200, "PUT", "/v1/stores/globex-01/catalog/items/PEN-1", "other", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Pen"}`)
	tests := []struct {
		name, path, body, says string
	}{
		{"ordering without sku", orderingTests, "", "set sku to the SKU"},
		{"ordering with empty object", orderingTests, `{}`, "set sku to the SKU"},
		{"sku not in catalog", orderingTests, `{"sku":"NOPE-1"}`, "not in the catalog"},
		{"sku of another merchant's catalog only", orderingTests, `{"sku":"PEN-1"}`, "not in the catalog"},
		{"sku on loyalty", "/v1/stores/acme-sea-01/connectors/loyalty/tests", `{"sku":"WATER-500"}`, "only the ORDERING test uses a SKU"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.must(422, "POST", tc.path, "operator", tc.body).problem(t)
			if len(p.Errors) != 1 || p.Errors[0].Field != "sku" || !strings.Contains(p.Errors[0].Message, tc.says) {
				t.Errorf("422 %+v", p)
			}
		})
	}
	e.must(400, "POST", orderingTests, "operator", `{"sku":"WATER-500","extra":1}`)
	e.must(404, "POST", "/v1/stores/acme-sea-01/connectors/identity/tests", "operator", "")
	if n := e.tester.callCount(); n != 0 {
		t.Errorf("refused tests made %d calls", n)
	}
	// Loyalty needs no body at all.
	run, _ := e.startRun("operator", "/v1/stores/acme-sea-01/connectors/loyalty/tests", "")
	if run.SKU != "" {
		t.Errorf("loyalty run %+v", run)
	}
}

func TestIdempotencyKeyReturnsTheSameRun(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	first, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`, "Idempotency-Key", "k-1")
	finished := e.waitForRun(first.ID)
	again, r := e.startRun("admin", orderingTests, `{"sku":"WATER-500"}`, "Idempotency-Key", "k-1")
	if again.ID != first.ID || again.Status != finished.Status || r.header.Get("Location") != "/v1/tests/"+first.ID {
		t.Errorf("replay %+v, first %+v", again, first)
	}
	if n := e.tester.callCount(); n != 1 {
		t.Errorf("replay made a call: %d calls", n)
	}
	p := e.must(409, "POST", orderingTests, "operator", `{"sku":"OTHER"}`, "Idempotency-Key", "k-1").problem(t)
	if !strings.Contains(p.Detail, first.ID) {
		t.Errorf("reused key with another sku: %+v", p)
	}
	other, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`, "Idempotency-Key", "k-2")
	if other.ID == first.ID {
		t.Error("a new key replayed the old run")
	}
	e.must(400, "POST", orderingTests, "operator", `{"sku":"WATER-500"}`, "Idempotency-Key", strings.Repeat("k", 300))
}

// A run that tested an endpoint since replaced must not mark the new
// endpoint as tested.
func TestChangedEndpointStaysUntested(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	e.tester.setRun(func(ctx context.Context, c tester.Call) tester.Result {
		<-release
		return tester.Result{Status: jwo.TestSuccessful, HTTPStatus: 201}
	})
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	run, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	e.must(200, "PUT", orderingPath, "operator", connectorBody(publicURL2, jwo.EndpointPublic))
	close(release)
	if done := e.waitForRun(run.ID); done.Status != jwo.TestSuccessful || done.EndpointURL != publicURL {
		t.Errorf("run %+v", done)
	}
	var c jwo.Connector
	e.must(200, "GET", orderingPath, "viewer", "").json(t, &c)
	if c.ConnectivityStatus != jwo.ConnectivityUntested || c.Version != 2 || c.LastTestID != run.ID {
		t.Errorf("connector %+v, want UNTESTED at version 2", c)
	}
}

// An older run finishing after a newer one does not overwrite its verdict.
func TestLateOldRunDoesNotOverrideNewerResult(t *testing.T) {
	e := newEnv(t)
	slow := make(chan struct{})
	e.tester.setRun(func(ctx context.Context, c tester.Call) tester.Result {
		if c.SKU == "SLOW" {
			<-slow
			return tester.Result{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonTimeout}
		}
		return tester.Result{Status: jwo.TestSuccessful, HTTPStatus: 201}
	})
	e.must(200, "PUT", "/v1/stores/acme-sea-01/catalog/items/SLOW", "admin", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Slow"}`)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	old, _ := e.startRun("operator", orderingTests, `{"sku":"SLOW"}`)
	newer, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	e.waitForRun(newer.ID)
	close(slow)
	e.waitForRun(old.ID)
	var c jwo.Connector
	e.must(200, "GET", orderingPath, "viewer", "").json(t, &c)
	if c.ConnectivityStatus != jwo.ConnectivitySuccessful || c.LastTestID != newer.ID {
		t.Errorf("connector %+v", c)
	}
}

func TestListTestsNewestFirst(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	var ids []string
	for range 4 {
		run, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
		ids = append(ids, run.ID)
		e.waitForRun(run.ID)
	}
	var list jwo.TestList
	e.must(200, "GET", orderingTests+"?limit=3", "viewer", "").json(t, &list)
	if len(list.Tests) != 3 || list.Tests[0].ID != ids[3] || list.Tests[2].ID != ids[1] {
		t.Errorf("list %+v, started %v", list.Tests, ids)
	}
	e.must(200, "GET", orderingTests, "viewer", "").json(t, &list)
	if len(list.Tests) != 4 {
		t.Errorf("default limit: %d runs", len(list.Tests))
	}
	e.must(200, "GET", "/v1/stores/acme-sea-01/connectors/loyalty/tests", "viewer", "").json(t, &list)
	if list.Tests == nil || len(list.Tests) != 0 {
		t.Errorf("empty history %+v", list)
	}
	e.must(400, "GET", orderingTests+"?limit=0", "viewer", "")
	e.must(400, "GET", orderingTests+"?limit=101", "viewer", "")
	e.must(404, "GET", "/v1/stores/acme-sea-01/connectors/nope/tests", "viewer", "")

	e.must(404, "GET", "/v1/tests/"+ids[0], "other", "")
	e.must(404, "GET", "/v1/tests/not-a-uuid", "viewer", "")
	e.must(404, "GET", "/v1/tests/"+uuid.NewString(), "viewer", "")
}

func TestRunLeftRunningIsInterruptedAtOpen(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	var c jwo.Connector
	e.must(200, "GET", orderingPath, "viewer", "").json(t, &c)
	e.close()

	// Write a RUNNING run as a crashed process would have left it.
	ctx := context.Background()
	db, err := store.Open(ctx, e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	err = db.Write(ctx, func(tx *store.Tx) error {
		conn, err := tx.Connector(ctx, "acme", "acme-sea-01", jwo.MethodOrdering)
		if err != nil {
			return err
		}
		_, err = tx.InsertTest(ctx, store.Test{ConnectivityTest: jwo.ConnectivityTest{ID: id, StoreID: "acme-sea-01", Method: jwo.MethodOrdering,
			SKU: "WATER-500", EndpointURL: publicURL, EndpointType: jwo.EndpointPublic, Status: jwo.TestRunning,
			StartedAt: store.Now(), TriggeredBy: "crashed"}, MerchantID: "acme", ConnectorUID: conn.UID, ConnectorVersion: 1})
		return err
	})
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}

	e.open()
	run := e.waitForRun(id)
	if run.Status != jwo.TestUnsuccessful || run.Reason != jwo.ReasonInterrupted || run.CompletedAt == nil || run.Message == "" {
		t.Errorf("run after restart %+v", run)
	}
	e.must(200, "GET", orderingPath, "viewer", "").json(t, &c)
	if c.ConnectivityStatus != jwo.ConnectivityUntested {
		t.Errorf("an interrupted run set the connector to %s", c.ConnectivityStatus)
	}
}

// newEnvHoldingOneCall is a portal with one test worker whose calls last
// until they are cancelled, and the ORDERING connector saved; it returns
// once a first run's call is being made.
func newEnvHoldingOneCall(t *testing.T) (e *env, running jwo.ConnectivityTest) {
	e = newEnv(t, func(o *envOptions) { o.TestWorkers = 1 })
	e.tester.setRun(func(ctx context.Context, c tester.Call) tester.Result {
		<-ctx.Done()
		return tester.Result{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonTimeout, Message: ctx.Err().Error()}
	})
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	running, _ = e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	for deadline := time.Now().Add(5 * time.Second); e.tester.callCount() == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	return e, running
}

func TestCloseInterruptsRunningAndQueuedRuns(t *testing.T) {
	e, running := newEnvHoldingOneCall(t)
	queued, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	e.close()
	e.open()
	for _, id := range []string{running.ID, queued.ID} {
		if run := e.waitForRun(id); run.Reason != jwo.ReasonInterrupted || !strings.Contains(run.Message, "shut down") {
			t.Errorf("run %s after Close: %+v", id, run)
		}
	}
	if n := e.tester.callCount(); n != 1 {
		t.Errorf("the queued run was called: %d calls", n)
	}
}

// A tester that ignores cancellation cannot hold Close past its context.
func TestCloseGivesUpOnCallsThatIgnoreCancellation(t *testing.T) {
	e := newEnv(t)
	stuck := make(chan struct{})
	defer close(stuck)
	e.tester.setRun(func(ctx context.Context, c tester.Call) tester.Result {
		<-stuck
		return tester.Result{Status: jwo.TestSuccessful}
	})
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	run, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	for e.tester.callCount() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	e.srv.Close()
	e.srv = nil
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := e.portal.Close(ctx); err == nil || !strings.Contains(err.Error(), "did not stop") {
		t.Errorf("Close = %v", err)
	}
	e.portal = nil
	e.open()
	if got := e.waitForRun(run.ID); got.Reason != jwo.ReasonInterrupted {
		t.Errorf("run %+v", got)
	}
}

func TestTesterPanicFailsTheRunNotThePortal(t *testing.T) {
	e := newEnv(t)
	e.tester.setRun(func(ctx context.Context, c tester.Call) tester.Result { panic("tester bug") })
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	run, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	if got := e.waitForRun(run.ID); got.Status != jwo.TestUnsuccessful {
		t.Errorf("run %+v", got)
	}
	e.must(200, "GET", "/healthz", "", "")
}

func TestTestStartIsAudited(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	run, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	var page jwo.AuditPage
	e.must(200, "GET", "/v1/audit-events?store_id=acme-sea-01", "viewer", "").json(t, &page)
	last := page.Events[len(page.Events)-1]
	var after jwo.ConnectivityTest
	if err := json.Unmarshal(last.After, &after); err != nil {
		t.Fatal(err)
	}
	if last.Action != jwo.ActionTestStart || last.Actor != "otto-operator" || last.Method != jwo.MethodOrdering || after.ID != run.ID || string(last.Before) != "null" {
		t.Errorf("event %+v", last)
	}
}
