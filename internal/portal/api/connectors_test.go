package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const orderingPath = "/v1/stores/acme-sea-01/connectors/ordering"

func TestPutConnectorCreatesAndVersions(t *testing.T) {
	clock := newTestClock()
	e := newEnv(t, func(o *envOptions) { o.Clock = clock.Now })
	created := clock.Now()
	r := e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	var c jwo.Connector
	r.json(t, &c)
	want := jwo.Connector{
		StoreID: "acme-sea-01", Method: jwo.MethodOrdering, EndpointURL: publicURL, EndpointType: jwo.EndpointPublic,
		ConnectivityStatus: jwo.ConnectivityUntested, Version: 1,
		CreatedAt: created, UpdatedAt: created, UpdatedBy: "otto-operator",
	}
	wantConnector(t, "created", c, want)
	if r.header.Get("ETag") != `"1"` || r.header.Get("Location") != orderingPath {
		t.Errorf("ETag %q Location %q", r.header.Get("ETag"), r.header.Get("Location"))
	}

	// The same values again, and the same endpoint spelled with an
	// upper-case host and a trailing slash: nothing changes, the saved
	// spelling stays, nothing is audited.
	events := e.auditCount("acme")
	clock.Advance(time.Minute)
	for _, url := range []string{publicURL, strings.Replace(publicURL, "abc123defg", "ABC123DEFG", 1) + "/"} {
		r = e.must(200, "PUT", orderingPath, "admin", connectorBody(url, jwo.EndpointPublic))
		var same jwo.Connector
		r.json(t, &same)
		wantConnector(t, "PUT of "+url, same, want)
		if r.header.Get("ETag") != `"1"` {
			t.Errorf("PUT of %s: ETag %s, want \"1\"", url, r.header.Get("ETag"))
		}
	}
	if n := e.auditCount("acme"); n != events {
		t.Errorf("PUTs of the saved endpoint wrote %d audit events", n-events)
	}

	// A new URL is a new version, untested, updated by the caller.
	changedAt := clock.Now()
	r = e.must(200, "PUT", orderingPath, "admin", connectorBody(publicURL2, jwo.EndpointPublic))
	var changed jwo.Connector
	r.json(t, &changed)
	want.EndpointURL, want.Version, want.UpdatedAt, want.UpdatedBy = publicURL2, 2, changedAt, "ada-admin"
	wantConnector(t, "changed URL", changed, want)
	if r.header.Get("ETag") != `"2"` {
		t.Errorf("changed URL: ETag %s, want \"2\"", r.header.Get("ETag"))
	}
	// So is a new type.
	clock.Advance(time.Minute)
	e.must(200, "PUT", orderingPath, "admin", connectorBody(publicURL2, jwo.EndpointPrivate)).json(t, &changed)
	want.EndpointType, want.Version, want.UpdatedAt = jwo.EndpointPrivate, 3, clock.Now()
	wantConnector(t, "changed type", changed, want)
	if n := e.auditCount("acme"); n != events+2 {
		t.Errorf("audit events %d, want %d", n, events+2)
	}
}

// wantConnector compares a connector field by field, naming each that differs.
func wantConnector(t *testing.T, what string, got, want jwo.Connector) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"store_id", got.StoreID, want.StoreID},
		{"method", got.Method, want.Method},
		{"endpoint_url", got.EndpointURL, want.EndpointURL},
		{"endpoint_type", got.EndpointType, want.EndpointType},
		{"connectivity_status", got.ConnectivityStatus, want.ConnectivityStatus},
		{"last_test_id", got.LastTestID, want.LastTestID},
		{"version", got.Version, want.Version},
		{"created_at", got.CreatedAt.UTC(), want.CreatedAt.UTC()},
		{"updated_at", got.UpdatedAt.UTC(), want.UpdatedAt.UTC()},
		{"updated_by", got.UpdatedBy, want.UpdatedBy},
	} {
		if f.got != f.want {
			t.Errorf("%s: %s = %v, want %v", what, f.name, f.got, f.want)
		}
	}
}

// testClock is a portal clock that moves only when the test says so.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// What a write answers is byte for byte what every later read answers.
func TestConnectorJSONRoundTrips(t *testing.T) {
	e := newEnv(t)
	put := e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	get := e.must(200, "GET", orderingPath, "viewer", "")
	again := e.must(200, "GET", orderingPath, "viewer", "")
	if !bytes.Equal(put.body, get.body) || !bytes.Equal(get.body, again.body) {
		t.Errorf("PUT answered %s\nGET answered %s\nthen %s", put.body, get.body, again.body)
	}
	if get.header.Get("ETag") != `"1"` {
		t.Errorf("GET ETag %q", get.header.Get("ETag"))
	}
	var raw map[string]any
	get.json(t, &raw)
	for _, k := range []string{"created_at", "updated_at"} {
		s, _ := raw[k].(string)
		if ts, err := time.Parse(time.RFC3339Nano, s); err != nil || !strings.HasSuffix(s, "Z") || ts.Location() != time.UTC {
			t.Errorf("%s = %q is not RFC 3339 UTC", k, s)
		}
	}
}

func TestConnectorPreconditions(t *testing.T) {
	e := newEnv(t)
	body := connectorBody(publicURL, jwo.EndpointPublic)
	body2 := connectorBody(publicURL2, jwo.EndpointPublic)
	e.must(412, "PUT", orderingPath, "operator", body, "If-Match", `"1"`)
	e.must(412, "PUT", orderingPath, "operator", body, "If-Match", "*")
	e.must(201, "PUT", orderingPath, "operator", body, "If-None-Match", "*")
	e.must(412, "PUT", orderingPath, "operator", body2, "If-None-Match", "*")
	e.must(412, "PUT", orderingPath, "operator", body2, "If-Match", `"2"`)
	e.must(412, "PUT", orderingPath, "operator", body2, "If-Match", `W/"1"`)
	e.must(200, "PUT", orderingPath, "operator", body2, "If-Match", `"7", "1"`)
	e.must(412, "PUT", orderingPath, "operator", body, "If-Match", `"1"`)
	e.must(200, "PUT", orderingPath, "operator", body, "If-Match", "*")
	e.must(412, "DELETE", orderingPath, "operator", "", "If-Match", `"2"`)
	e.must(204, "DELETE", orderingPath, "operator", "", "If-Match", `"3"`)
	e.must(404, "DELETE", orderingPath, "operator", "")
	e.must(404, "GET", orderingPath, "viewer", "")
	// Created again, it starts over at version 1.
	var c jwo.Connector
	e.must(201, "PUT", orderingPath, "operator", body).json(t, &c)
	if c.Version != 1 {
		t.Errorf("recreated connector version %d", c.Version)
	}
	if p := e.must(412, "PUT", orderingPath, "operator", body2, "If-Match", `"9"`).problem(t); !strings.Contains(p.Detail, `"1"`) {
		t.Errorf("412 detail does not give the current ETag: %q", p.Detail)
	}
}

func TestConnectorPathsAndErrors(t *testing.T) {
	e := newEnv(t)
	valid := connectorBody(publicURL, jwo.EndpointPublic)
	// The two spellings of the document: lower case (canonical) and the
	// connector's own method field; any other is no path of the API.
	e.must(404, "PUT", "/v1/stores/acme-sea-01/connectors/Fraud_And_Abuse", "operator", valid)
	e.must(201, "PUT", "/v1/stores/acme-sea-01/connectors/FRAUD_AND_ABUSE", "operator", valid)
	e.must(200, "GET", "/v1/stores/acme-sea-01/connectors/fraud_and_abuse", "viewer", "")
	e.must(404, "GET", "/v1/stores/acme-sea-01/connectors/Fraud_and_abuse", "viewer", "")
	e.must(404, "GET", "/v1/stores/acme-sea-01/connectors/payment", "viewer", "")
	e.must(404, "PUT", "/v1/stores/acme-sea-01/connectors/payment", "operator", valid)
	e.must(404, "PUT", "/v1/stores/nope/connectors/ordering", "operator", valid)

	p := e.must(409, "PUT", "/v1/stores/acme-dash-01/connectors/identity", "operator", valid).problem(t)
	if !strings.Contains(p.Detail, "does not apply") || !strings.Contains(p.Detail, `"ORDERING"`) {
		t.Errorf("409 detail %q", p.Detail)
	}
	e.must(409, "PUT", "/v1/stores/acme-none/connectors/ordering", "operator", valid)

	tests := []struct {
		name, body, field string
	}{
		{"http in production form", connectorBody("http://abc123defg.execute-api.us-east-1.amazonaws.com", jwo.EndpointPublic), "endpoint_url"},
		{"vpce host as PUBLIC", connectorBody("https://abc123defg-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com", jwo.EndpointPublic), "endpoint_type"},
		{"unknown type", connectorBody(publicURL, "EDGE"), "endpoint_type"},
		{"empty", `{}`, "endpoint_url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.must(422, "PUT", orderingPath, "operator", tc.body).problem(t)
			found := false
			for _, fe := range p.Errors {
				found = found || fe.Field == tc.field
			}
			if !found {
				t.Errorf("422 does not name %s: %+v", tc.field, p)
			}
		})
	}
}

// The 422 of a host that is almost an API Gateway invoke host says what is
// wrong with it, in the words of the plan-time error (one rule in jwo).
func TestConnectorHostErrorSaysWhatIsWrong(t *testing.T) {
	e := newEnv(t)
	const host = "f027x000001.execute-api.us-east-1.amazonaws.com"
	p := e.must(422, "PUT", orderingPath, "operator", connectorBody("https://"+host+"/prod", jwo.EndpointPublic)).problem(t)
	_, want := jwo.ParseEndpointURL("https://"+host+"/prod", jwo.EndpointPolicy{})
	if len(p.Errors) != 1 || p.Errors[0].Field != "endpoint_url" || want == nil || p.Errors[0].Message != want.Error() ||
		!strings.Contains(p.Errors[0].Message, `the api-id "f027x000001" has 11 characters`) {
		t.Errorf("422 %+v, want endpoint_url: %v", p, want)
	}
}

func TestConnectorLoopbackNeedsDev(t *testing.T) {
	loop := connectorBody("http://127.0.0.1:8788", jwo.EndpointPublic)
	dev := newEnv(t)
	dev.must(201, "PUT", orderingPath, "operator", loop)
	prod := newEnv(t, func(o *envOptions) { o.Dev = false })
	prod.must(422, "PUT", orderingPath, "operator", loop)
}

func TestListConnectorsInMethodOrder(t *testing.T) {
	e := newEnv(t)
	for _, m := range []string{"fraud_and_abuse", "identity", "ordering", "loyalty"} {
		e.must(201, "PUT", "/v1/stores/acme-sea-01/connectors/"+m, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	}
	var list jwo.ConnectorList
	e.must(200, "GET", "/v1/stores/acme-sea-01/connectors", "viewer", "").json(t, &list)
	var got []jwo.Method
	for _, c := range list.Connectors {
		got = append(got, c.Method)
	}
	if fmt.Sprint(got) != fmt.Sprint(jwo.Methods) {
		t.Errorf("order %v, want %v", got, jwo.Methods)
	}
	e.must(200, "GET", "/v1/stores/acme-none/connectors", "viewer", "").json(t, &list)
	if list.Connectors == nil || len(list.Connectors) != 0 {
		t.Errorf("empty list %+v", list)
	}
}

// Many writers holding the same ETag race; each version has exactly one
// winner and the rest get 412.
func TestConcurrentIfMatchHasOneWinnerPerVersion(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	const writers = 12
	var wg sync.WaitGroup
	statuses := make(chan int, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := fmt.Sprintf("https://w%09d.execute-api.us-east-1.amazonaws.com/prod", i)
			req, _ := http.NewRequest("PUT", e.srv.URL+orderingPath, strings.NewReader(connectorBody(u, jwo.EndpointPublic)))
			req.Header.Set("Authorization", "Bearer "+e.tokens["operator"])
			req.Header.Set("If-Match", `"1"`)
			req.Header.Set("Content-Type", "application/json")
			res, err := e.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[412] != writers-1 {
		t.Errorf("statuses %v, want one 200 and %d 412", count, writers-1)
	}
	var c jwo.Connector
	e.must(200, "GET", orderingPath, "viewer", "").json(t, &c)
	if c.Version != 2 {
		t.Errorf("version %d after the race, want 2", c.Version)
	}
}
