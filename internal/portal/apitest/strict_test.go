package apitest

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// Names that people read (stores, catalog items) hold no control character:
// NUL, ESC and new lines reached Terraform outputs and terminals.
func TestNamesRefuseControlCharacters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	for _, name := range []string{"Acme\x00Seattle", "Acme \x1b[31mred", "Acme\nSeattle", "Acme\r", "Acme\u202eelttaeS", "Acme\u2028",
		"Acme\u200bSeattle", "Acme\u00adSeattle", "Acme\u3164", "Acme\U000E0041", "Acme\u00a0Seattle"} {
		prof := jwo.StoreProfile{ID: "acme-ctl", Name: name, StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
			EntryMethods: []jwo.EntryMethod{jwo.EntryCreditCard}, FraudAndAbuseStrategy: jwo.FraudNone}
		_, err := e.admin.CreateStore(ctx, prof)
		wantStatus(t, err, http.StatusUnprocessableEntity, "create a store named "+strconvQuote(name))
		if !fieldNamed(err, "name") || !strings.Contains(err.Error(), "contains U+") {
			t.Errorf("create %q: %v; want a field error on name naming the character", name, err)
		}
		_, err = e.admin.UpdateStore(ctx, storeFull, jwo.StorePatch{Name: &name})
		wantStatus(t, err, http.StatusUnprocessableEntity, "rename a store to "+strconvQuote(name))
		_, err = e.admin.PutCatalogItem(ctx, storeFull, "CTL-1", jwo.CatalogItemInput{Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: name})
		wantStatus(t, err, http.StatusUnprocessableEntity, "a catalog item named "+strconvQuote(name))
		if !fieldNamed(err, "name") {
			t.Errorf("catalog item %q: %v; want a field error on name", name, err)
		}
	}
	if _, err := e.admin.GetStore(ctx, "acme-ctl"); client.StatusCode(err) != http.StatusNotFound {
		t.Errorf("a refused store was saved: %v", err)
	}
	s, err := e.admin.GetStore(ctx, storeFull)
	if err != nil || strings.ContainsFunc(s.Name, func(r rune) bool { return r < ' ' }) {
		t.Errorf("store after refused renames: %q, %v", s.Name, err)
	}
	// A name with accents, CJK and emoji is printable and accepted.
	if _, err := e.admin.UpdateStore(ctx, storeFull, jwo.StorePatch{Name: ptr("Café 東京 🛒")}); err != nil {
		t.Errorf("a printable Unicode name: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// encoding/json folds letter case and lets the last of two equal keys win;
// the API does neither: one body means one thing to every reader.
func TestBodyKeysAreExactAndUnique(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	connector := "/v1/stores/" + storeFull + "/connectors/ordering"
	cases := []struct {
		name, method, path, body, want string
	}{
		{"duplicate key", http.MethodPut, connector,
			`{"endpoint_url":"http://127.0.0.1:1","endpoint_type":"PUBLIC","endpoint_url":"http://127.0.0.1:2"}`, `field "endpoint_url" is given twice`},
		{"key in another case", http.MethodPut, connector,
			`{"Endpoint_URL":"http://127.0.0.1:1","endpoint_type":"PUBLIC"}`, `field names are case-sensitive, use "endpoint_url"`},
		{"upper-case key", http.MethodPut, connector,
			`{"endpoint_url":"http://127.0.0.1:1","ENDPOINT_TYPE":"PUBLIC"}`, `use "endpoint_type"`},
		{"duplicate in a patch", http.MethodPatch, "/v1/stores/" + storeFull,
			`{"name":"A","loyalty_program":true,"name":"B"}`, `field "name" is given twice`},
		{"duplicate in a test start", http.MethodPost, connector + "/tests",
			`{"sku":"WATER-500","sku":"OTHER"}`, `field "sku" is given twice`},
	}
	for _, c := range cases {
		ans, body := e.raw(c.method, c.path, e.tp.AdminToken, []byte(c.body))
		var p jwo.Problem
		_ = json.Unmarshal(body, &p)
		if ans.StatusCode != http.StatusBadRequest || !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: %d %s; want 400 saying %s", c.name, ans.StatusCode, body, c.want)
		}
	}
	if _, err := e.admin.GetConnector(t.Context(), storeFull, jwo.MethodOrdering); client.StatusCode(err) != http.StatusNotFound {
		t.Errorf("a refused body saved a connector: %v", err)
	}
	// The same keys spelled exactly, once each, are accepted.
	ans, body := e.raw(http.MethodPut, connector, e.tp.AdminToken, []byte(`{"endpoint_url":"http://127.0.0.1:1","endpoint_type":"PUBLIC"}`))
	if ans.StatusCode != http.StatusCreated {
		t.Errorf("a plain body: %d %s", ans.StatusCode, body)
	}
}

// Every answer, success, refusal or unknown path, tells browsers not to
// guess its content type.
func TestEveryAnswerIsNosniff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, r := range []struct{ path, token string }{
		{"/healthz", ""}, {"/v1/openapi.json", ""}, {"/v1/stores", ""}, {"/v1/stores", e.tp.ViewerToken},
		{"/v1/stores/nope", e.tp.ViewerToken},
	} {
		ans, _ := e.raw(http.MethodGet, r.path, r.token, nil)
		if got := ans.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s (%d): X-Content-Type-Options %q, want nosniff", r.path, ans.StatusCode, got)
		}
	}
}

// A 10 kB path is one short access log line, not 10 kB of log.
func TestAccessLogTruncatesLongPaths(t *testing.T) {
	t.Parallel()
	logs := &portaltest.SyncBuffer{}
	e := newEnv(t, func(s *portaltest.Setup) { s.Options.Logger = slog.New(slog.NewJSONHandler(logs, nil)) })
	long := "/v1/stores/" + strings.Repeat("x", 10000)
	ans, _ := e.raw(http.MethodGet, long, e.tp.ViewerToken, nil)
	if ans.StatusCode < 400 {
		t.Fatalf("GET of a long path: %d", ans.StatusCode)
	}
	// The access log line is written once the answer has gone out, so it
	// may come a moment after the client has read it.
	var line string
	for deadline := time.Now().Add(5 * time.Second); line == "" && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for l := range strings.Lines(logs.String()) {
			if strings.Contains(l, `"msg":"request"`) && strings.Contains(l, "xxxx") {
				line = l
			}
		}
	}
	if line == "" {
		t.Fatalf("no access log line for the long path:\n%s", logs.String())
	}
	if len(line) > 1000 || !strings.Contains(line, "(10011 bytes)") {
		t.Errorf("access log line is %d bytes (want under 1000, with the path's length):\n%.400s", len(line), line)
	}
}

// Failed authentications from a client address get a bounded number of
// answers: here 1 per second with a burst of 10, so the 11th quick failure is
// 429. A caller with a token from the same address is not held back, nor
// are the open routes (their own budget) or /healthz (none).
func TestUnauthenticatedRequestsAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *portaltest.Setup) { s.API.AddressRateLimit = 1 })
	var statuses []int
	for range 12 {
		ans, _ := e.raw(http.MethodGet, "/v1/stores", "jwo_guessed-token", nil)
		statuses = append(statuses, ans.StatusCode)
		if ans.StatusCode == http.StatusTooManyRequests && ans.Header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
	for i, s := range statuses {
		want := http.StatusUnauthorized
		if i >= 10 {
			want = http.StatusTooManyRequests
		}
		if s != want {
			t.Fatalf("unknown-token requests answered %v; want 10 × 401 then 429", statuses)
		}
	}
	// The open routes have a budget of their own, and /healthz none.
	for _, path := range []string{"/v1/openapi.json", "/healthz"} {
		if ans, _ := e.raw(http.MethodGet, path, "", nil); ans.StatusCode != http.StatusOK {
			t.Errorf("GET %s from the same address: %d, want 200 (not in the failed-authentication budget)", path, ans.StatusCode)
		}
	}
	if _, err := e.viewer.ListStores(t.Context(), client.StoreFilter{}, ""); err != nil {
		t.Errorf("a valid token from the same address: %v", err)
	}
}

// Enum values fold ASCII letters only (jwo.ParseEnum): a lookalike that
// strings.ToUpper or strings.EqualFold reads as an enum value is an unknown
// path (404) or a refused filter (400), so a proxy rule on
// /connectors/identity cannot be sidestepped with "ıdentıty".
func TestEnumLookalikesAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{
		"/v1/stores/" + storeFull + "/connectors/%C4%B1dent%C4%B1ty",
		"/v1/stores/" + storeFull + "/connectors/fraud_and_abu%C5%BFe",
	} {
		if a, body := e.raw(http.MethodGet, path, e.tp.ViewerToken, nil); a.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d %s, want 404", path, a.StatusCode, body)
		}
	}
	for _, path := range []string{
		"/v1/connectors?method=fraud_and_abu%C5%BFe",
		"/v1/stores?method=%C4%B1dent%C4%B1ty",
		"/v1/stores?store_type=da%C5%BFh_cart",
	} {
		if a, body := e.raw(http.MethodGet, path, e.tp.ViewerToken, nil); a.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s = %d %s, want 400", path, a.StatusCode, body)
		}
	}
	// The ASCII spelling in upper case is still the method (the store has
	// no IDENTITY connector saved, which the 404 says).
	if a, body := e.raw(http.MethodGet, "/v1/stores/"+storeFull+"/connectors/IDENTITY", e.tp.ViewerToken, nil); !strings.Contains(string(body), "no saved IDENTITY connector") {
		t.Errorf("GET .../connectors/IDENTITY = %d %s, want the IDENTITY connector's 404", a.StatusCode, body)
	}
}
