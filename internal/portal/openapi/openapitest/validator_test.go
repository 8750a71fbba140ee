package openapitest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi"
)

func newValidator(t *testing.T) *Validator {
	t.Helper()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDocumentIsValidOpenAPI loads the embedded document the way any
// OpenAPI tool would and validates it against the 3.0 rules.
func TestDocumentIsValidOpenAPI(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %s", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("servers = %v, want one relative server /", doc.Servers)
	}
}

func sampleStore() jwo.Store {
	p := jwo.StoreProfile{
		ID: "acme-sea-01", Name: "Acme Seattle 1", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
		EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
		FraudAndAbuseStrategy: jwo.FraudCustomerManaged, OrderDelegation: true, LoyaltyProgram: true,
	}
	return jwo.NewStore(p, []jwo.Method{jwo.MethodOrdering})
}

func jsonHeader(ct string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", ct)
	return h
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mutate turns a value into a generic JSON object and lets f change it.
func mutate(t *testing.T, v any, f func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(mustJSON(t, v), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	return mustJSON(t, m)
}

func TestStoreAnswers(t *testing.T) {
	v := newValidator(t)
	store := sampleStore()
	for _, c := range []struct {
		name    string
		target  string // any host is fine: routes match by path only
		body    []byte
		wantErr string
	}{
		{"correct", "http://127.0.0.1:43125/v1/stores/acme-sea-01", mustJSON(t, store), ""},
		{"path only", "/v1/stores/acme-sea-01?x=1", mustJSON(t, store), ""},
		{"wrong enum", "/v1/stores/acme-sea-01", mutate(t, store, func(m map[string]any) { m["store_type"] = "KIOSK" }), "store_type"},
		{"wrong method enum", "/v1/stores/acme-sea-01", mutate(t, store, func(m map[string]any) { m["missing_methods"] = []string{"ordering"} }), "missing_methods"},
		{"missing required", "/v1/stores/acme-sea-01", mutate(t, store, func(m map[string]any) { delete(m, "completion_status") }), "completion_status"},
		{"null list", "/v1/stores/acme-sea-01", mutate(t, store, func(m map[string]any) { m["entry_methods"] = nil }), "entry_methods"},
		{"undocumented field", "/v1/stores/acme-sea-01", mutate(t, store, func(m map[string]any) { m["applicable_methods"] = []string{} }), ".applicable_methods"},
		{"not JSON", "/v1/stores/acme-sea-01", []byte("<html>"), "decode"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := v.Validate("GET", c.target, 200, jsonHeader("application/json"), c.body)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("correct answer refused: %v", err)
			case c.wantErr != "" && err == nil:
				t.Fatal("wrong answer accepted")
			case c.wantErr != "" && !strings.Contains(err.Error(), c.wantErr):
				t.Fatalf("error %q does not name %q", err, c.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "getStore") {
				t.Errorf("error %q does not name the operation", err)
			}
		})
	}
}

func problem(status int, errs ...jwo.FieldError) jwo.Problem {
	return jwo.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: "d", Errors: errs}
}

func TestStatusesHeadersAndProblems(t *testing.T) {
	v := newValidator(t)
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	conn := jwo.Connector{
		StoreID: "s1", Method: jwo.MethodOrdering, EndpointURL: "http://127.0.0.1:1", EndpointType: jwo.EndpointPublic,
		ConnectivityStatus: jwo.ConnectivityUntested, Version: 3, CreatedAt: now, UpdatedAt: now, UpdatedBy: "ops",
		LastChangedVia: jwo.ChangedViaAPI,
	}
	etag := func(h http.Header, tag string) http.Header { h.Set("ETag", tag); return h }
	run := jwo.ConnectivityTest{
		ID: "r1", StoreID: "s1", Method: jwo.MethodOrdering, SKU: "W", EndpointURL: "http://127.0.0.1:1",
		EndpointType: jwo.EndpointPublic, Status: jwo.TestRunning, StartedAt: now, Suite: jwo.SuiteConnectivity, Cases: []jwo.Case{},
	}
	location := func(h http.Header) http.Header { h.Set("Location", "/v1/tests/r1"); return h }
	local := now.In(time.FixedZone("x", 3600))
	for _, c := range []struct {
		name           string
		method, target string
		status         int
		header         http.Header
		body           []byte
		ok             bool
	}{
		{"connector with ETag", "GET", "/v1/stores/s1/connectors/ordering", 200, etag(jsonHeader("application/json"), `"3"`), mustJSON(t, conn), true},
		{"upper-case method segment", "GET", "/v1/stores/s1/connectors/ORDERING", 200, etag(jsonHeader("application/json"), `"3"`), mustJSON(t, conn), true},
		{"connector without ETag", "GET", "/v1/stores/s1/connectors/ordering", 200, jsonHeader("application/json"), mustJSON(t, conn), false},
		{"weak ETag", "PUT", "/v1/stores/s1/connectors/ordering", 201, etag(jsonHeader("application/json"), `W/"3"`), mustJSON(t, conn), false},
		{"local time", "GET", "/v1/stores/s1/connectors/ordering", 200, etag(jsonHeader("application/json"), `"3"`),
			mutate(t, conn, func(m map[string]any) { m["updated_at"] = local.Format(time.RFC3339) }), false},
		{"version 0", "GET", "/v1/stores/s1/connectors/ordering", 200, etag(jsonHeader("application/json"), `"0"`),
			mutate(t, conn, func(m map[string]any) { m["version"] = 0 }), false},
		{"delete", "DELETE", "/v1/stores/s1/connectors/ordering", 204, http.Header{}, nil, true},
		{"delete with body", "DELETE", "/v1/stores/s1/connectors/ordering", 204, jsonHeader("application/json"), []byte(`{}`), false},
		{"delete answered 200", "DELETE", "/v1/stores/s1/connectors/ordering", 200, jsonHeader("application/json"), []byte(`{}`), false},
		{"test started", "POST", "/v1/stores/s1/connectors/ordering/tests", 202, location(jsonHeader("application/json")), mustJSON(t, run), true},
		{"test started, no Location", "POST", "/v1/stores/s1/connectors/ordering/tests", 202, jsonHeader("application/json"), mustJSON(t, run), false},
		{"running test, completed_at null", "GET", "/v1/tests/r1", 200, jsonHeader("application/json"), mustJSON(t, run), true},
		{"bad reason", "GET", "/v1/tests/r1", 200, jsonHeader("application/json"), mutate(t, run, func(m map[string]any) { m["reason"] = "refused" }), false},
		{"401 with WWW-Authenticate", "GET", "/v1/stores", 401, func() http.Header {
			h := jsonHeader("application/problem+json")
			h.Set("WWW-Authenticate", "Bearer")
			return h
		}(), mustJSON(t, problem(401)), true},
		{"401 without WWW-Authenticate", "GET", "/v1/stores", 401, jsonHeader("application/problem+json"), mustJSON(t, problem(401)), false},
		{"429 with Retry-After", "GET", "/v1/stores", 429, func() http.Header {
			h := jsonHeader("application/problem+json")
			h.Set("Retry-After", "1")
			return h
		}(), mustJSON(t, problem(429)), true},
		{"429 without Retry-After", "GET", "/v1/stores", 429, jsonHeader("application/problem+json"), mustJSON(t, problem(429)), false},
		{"404 problem", "GET", "/v1/stores/nope", 404, jsonHeader("application/problem+json"), mustJSON(t, problem(404)), true},
		{"404 as application/json", "GET", "/v1/stores/nope", 404, jsonHeader("application/json"), mustJSON(t, problem(404)), false},
		{"404 as text", "GET", "/v1/stores/nope", 404, jsonHeader("text/plain; charset=utf-8"), []byte("404 page not found\n"), false},
		{"problem status differs", "GET", "/v1/stores/nope", 404, jsonHeader("application/problem+json"), mustJSON(t, problem(400)), false},
		{"422 with errors", "PUT", "/v1/stores/s1/connectors/ordering", 422, jsonHeader("application/problem+json"),
			mustJSON(t, problem(422, jwo.FieldError{Field: "endpoint_type", Message: "m"})), true},
		{"422 without errors", "PUT", "/v1/stores/s1/connectors/ordering", 422, jsonHeader("application/problem+json"), mustJSON(t, problem(422)), false},
		{"403 on a read", "GET", "/v1/stores/s1", 403, jsonHeader("application/problem+json"), mustJSON(t, problem(403)), false},
		{"undocumented path", "GET", "/v1/nothing", 200, jsonHeader("application/json"), []byte(`{}`), false},
		{"undocumented method", "DELETE", "/v1/stores/s1", 204, http.Header{}, nil, false},
		{"metrics are not an API path", "GET", "/metrics", 200, jsonHeader("text/plain; version=0.0.4; charset=utf-8"), []byte("jwo_requests_total 1\n"), false},
		{"health", "GET", "/healthz", 200, jsonHeader("application/json"), []byte(`{"status":"ok"}`), true},
		{"openapi", "GET", "/v1/openapi.json", 200, jsonHeader("application/json"), openapi.Document(), true},
		{"audit page", "GET", "/v1/audit-events?store_id=s1", 200, jsonHeader("application/json"), mustJSON(t, jwo.AuditPage{
			Events: []jwo.AuditEvent{
				{ID: 1, At: now, Actor: "a", Action: jwo.ActionConnectorCreate, StoreID: "s1", Method: jwo.MethodOrdering, Before: json.RawMessage("null"), After: mustJSON(t, conn)},
				{ID: 2, At: now, Actor: "a", Action: jwo.ActionStoreUpdate, StoreID: "s1", Before: json.RawMessage(`{"x":[1]}`), After: json.RawMessage(`{"name":"b"}`)},
			},
		}), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := v.Validate(c.method, c.target, c.status, c.header, c.body)
			if c.ok && err != nil {
				t.Fatalf("correct answer refused: %v", err)
			}
			if !c.ok && err == nil {
				t.Fatal("wrong answer accepted")
			}
			if err != nil {
				t.Log(err)
			}
		})
	}
}

// TestTransport wraps a client's transport, as the API suites do, and checks
// that answers reach the client untouched and failures are kept.
func TestTransport(t *testing.T) {
	v := newValidator(t)
	store := mustJSON(t, sampleStore())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/stores/acme-sea-01":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(store)
		case "/v1/stores/bad":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"bad"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	hc := &http.Client{Transport: v.Transport(srv.Client().Transport)}

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := hc.Get(srv.URL + "/v1/stores/acme-sea-01")
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = resp.Body.Close() }()
			got, _ := io.ReadAll(resp.Body)
			if string(got) != string(store) {
				t.Errorf("body changed on the way: %s", got)
			}
		})
	}
	wg.Wait()
	if f := v.Failures(); len(f) != 0 {
		t.Fatalf("failures after correct answers: %v", f)
	}
	for _, p := range []string{"/v1/stores/bad", "/v1/stores/gone"} {
		resp, err := hc.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	f := v.Failures()
	if len(f) != 2 {
		t.Fatalf("failures = %v, want 2", f)
	}
	if !strings.Contains(f[0].Error(), "/v1/stores/bad") || !strings.Contains(f[1].Error(), "text/plain") {
		t.Errorf("failures do not say what is wrong: %v", f)
	}
	if v.Err() == nil {
		t.Error("Err is nil with failures recorded")
	}
	if n := v.Seen()["GET /v1/stores/{store_id} 200"]; n != 9 {
		t.Errorf("seen GET store 200 = %d, want 9", n)
	}
}

func TestDocumented(t *testing.T) {
	v := newValidator(t)
	d := v.Documented()
	for _, want := range []string{
		"GET /v1/stores 200",
		"PUT /v1/stores/{store_id}/connectors/{method} 412",
		"POST /v1/stores/{store_id}/connectors/{method}/tests 202",
		"GET /healthz 200",
	} {
		found := false
		for _, s := range d {
			found = found || s == want
		}
		if !found {
			t.Errorf("Documented lacks %q", want)
		}
	}
}
