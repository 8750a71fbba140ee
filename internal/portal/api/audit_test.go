package api

import (
	"database/sql"
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func (e *env) allAudit(who, query string) []jwo.AuditEvent {
	e.t.Helper()
	var all []jwo.AuditEvent
	token := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			e.t.Fatal("pagination does not end")
		}
		q := url.Values{"page_token": {token}}
		extra, _ := url.ParseQuery(query)
		for k, v := range extra {
			q[k] = v
		}
		var page jwo.AuditPage
		e.must(200, "GET", "/v1/audit-events?"+q.Encode(), who, "").json(e.t, &page)
		all = append(all, page.Events...)
		if token = page.NextPageToken; token == "" {
			return all
		}
	}
}

func TestAuditEventsRecordEveryChange(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.PageSize = 2 })
	seeded := e.allAudit("viewer", "")
	for _, ev := range seeded {
		if ev.Actor != "seed" && (ev.Actor != "jwo-portal token create" || ev.Action != jwo.ActionTokenCreate) {
			t.Errorf("seed event with actor %q", ev.Actor)
		}
	}

	e.must(201, "POST", "/v1/stores", "admin", `{"id":"acme-new","name":"N","store_type":"DASH_CART","region":"us-east-1","fraud_and_abuse_strategy":"NONE","order_delegation":false,"loyalty_program":false}`)
	e.must(200, "PATCH", "/v1/stores/acme-new", "admin", `{"order_delegation":true}`)
	e.must(201, "PUT", "/v1/stores/acme-new/connectors/ordering", "operator", connectorBody(publicURL, jwo.EndpointPublic))
	e.must(200, "PUT", "/v1/stores/acme-new/connectors/ordering", "operator", connectorBody(publicURL2, jwo.EndpointPublic))
	e.must(200, "PUT", "/v1/stores/acme-new/catalog/items/PEN-1", "admin", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Pen"}`)
	e.must(202, "POST", "/v1/stores/acme-new/connectors/ordering/tests", "operator", `{"sku":"PEN-1"}`)
	e.must(204, "DELETE", "/v1/stores/acme-new/connectors/ordering", "admin", "")
	// Refused and no-op writes leave no trace.
	e.must(412, "PUT", "/v1/stores/acme-new/connectors/ordering", "operator", connectorBody(publicURL, jwo.EndpointPublic), "If-Match", `"5"`)
	e.must(422, "PATCH", "/v1/stores/acme-new", "admin", `{"region":"x"}`)
	e.must(403, "PATCH", "/v1/stores/acme-new", "viewer", `{"name":"x"}`)
	e.must(200, "PATCH", "/v1/stores/acme-new", "admin", `{"order_delegation":true}`)

	events := e.allAudit("viewer", "store_id=acme-new")
	type row struct {
		action        jwo.AuditAction
		actor, method string
	}
	var got []row
	for _, ev := range events {
		got = append(got, row{ev.Action, ev.Actor, string(ev.Method)})
	}
	want := []row{
		{jwo.ActionStoreCreate, "ada-admin", ""},
		{jwo.ActionStoreUpdate, "ada-admin", ""},
		{jwo.ActionConnectorCreate, "otto-operator", "ORDERING"},
		{jwo.ActionConnectorUpdate, "otto-operator", "ORDERING"},
		{jwo.ActionCatalogPut, "ada-admin", ""},
		{jwo.ActionTestStart, "otto-operator", "ORDERING"},
		{jwo.ActionConnectorDelete, "ada-admin", "ORDERING"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events\n got %v\nwant %v", got, want)
	}
	nulls := func(ev jwo.AuditEvent) (bool, bool) { return string(ev.Before) == "null", string(ev.After) == "null" }
	for i, wantNull := range [][2]bool{{true, false}, {false, false}, {true, false}, {false, false}, {true, false}, {true, false}, {false, true}} {
		if b, a := nulls(events[i]); b != wantNull[0] || a != wantNull[1] {
			t.Errorf("%s: before null %v, after null %v", events[i].Action, b, a)
		}
	}
	var before, after jwo.Connector
	if err := json.Unmarshal(events[3].Before, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(events[3].After, &after); err != nil {
		t.Fatal(err)
	}
	if before.EndpointURL != publicURL || after.EndpointURL != publicURL2 || after.Version != 2 {
		t.Errorf("update before %+v after %+v", before, after)
	}
	var patchedBefore, patchedAfter jwo.StoreProfile
	if err := json.Unmarshal(events[1].Before, &patchedBefore); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(events[1].After, &patchedAfter); err != nil {
		t.Fatal(err)
	}
	if patchedBefore.OrderDelegation || !patchedAfter.OrderDelegation {
		t.Errorf("store update before %+v after %+v", patchedBefore, patchedAfter)
	}

	all := e.allAudit("viewer", "")
	if len(all) != len(seeded)+len(want) {
		t.Errorf("%d events in all, want %d", len(all), len(seeded)+len(want))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID || all[i].At.Before(all[i-1].At) {
			t.Errorf("not oldest first at %d", i)
		}
	}
	for _, ev := range e.allAudit("other", "") {
		if ev.StoreID != "globex-01" && ev.Action != jwo.ActionTokenCreate {
			t.Errorf("globex sees %+v", ev)
		}
	}
	if ev := e.allAudit("other", "store_id=acme-new"); len(ev) != 0 {
		t.Errorf("globex sees acme's events: %+v", ev)
	}
	e.must(400, "GET", "/v1/audit-events?store_id=bad%20id", "viewer", "")
	e.must(400, "GET", "/v1/audit-events?page_token="+e.pageToken("audit", "x"), "viewer", "")
}

// The audit event is written in the transaction of the change: when it
// cannot be written, the change does not happen either.
func TestChangeFailsWhenItsAuditEventCannotBeWritten(t *testing.T) {
	e := newEnv(t)
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.Exec(`CREATE TRIGGER audit_down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`); err != nil {
		t.Fatal(err)
	}
	writes := []struct{ method, path, who, body string }{
		{"PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic)},
		{"PATCH", "/v1/stores/acme-none", "admin", `{"name":"Changed"}`},
		{"POST", "/v1/stores", "admin", `{"id":"acme-x","name":"X","store_type":"JWO","region":"us-east-1","fraud_and_abuse_strategy":"NONE"}`},
		{"PUT", catalogPath + "/PEN-1", "admin", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Pen"}`},
	}
	for _, w := range writes {
		r := e.must(500, w.method, w.path, w.who, w.body)
		if p := r.problem(t); p.RequestID == "" {
			t.Errorf("500 without request id: %+v", p)
		}
	}
	e.must(404, "GET", orderingPath, "viewer", "")
	e.must(404, "GET", "/v1/stores/acme-x", "viewer", "")
	var st jwo.Store
	e.must(200, "GET", "/v1/stores/acme-none", "viewer", "").json(t, &st)
	if st.Name != "Acme Plain" {
		t.Errorf("store renamed without its audit event: %q", st.Name)
	}
	var page jwo.CatalogPage
	e.must(200, "GET", catalogPath+"?sku=PEN-1", "viewer", "").json(t, &page)
	if len(page.Items) != 0 {
		t.Error("catalog item saved without its audit event")
	}
}
