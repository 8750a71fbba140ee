package api

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func TestRequestBodiesAreStrict(t *testing.T) {
	e := newEnv(t)
	big := `{"endpoint_url":"` + strings.Repeat("a", maxBodyBytes) + `","endpoint_type":"PUBLIC"}`
	tests := []struct {
		name, body string
		status     int
	}{
		{"unknown field", `{"endpoint_url":"` + publicURL + `","endpoint_type":"PUBLIC","timeout":3}`, 400},
		{"malformed", `{"endpoint_url":`, 400},
		{"not JSON", `endpoint_url=x`, 400},
		{"wrong type", `{"endpoint_url":5,"endpoint_type":"PUBLIC"}`, 400},
		{"array", `[]`, 400},
		{"trailing object", `{"endpoint_url":"` + publicURL + `","endpoint_type":"PUBLIC"}{}`, 400},
		{"trailing garbage", `{"endpoint_url":"` + publicURL + `","endpoint_type":"PUBLIC"} x`, 400},
		{"empty", ` `, 400},
		{"too large", big, 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.must(tc.status, "PUT", orderingPath, "operator", tc.body).problem(t)
			if p.Status != tc.status || p.Detail == "" {
				t.Errorf("problem %+v", p)
			}
		})
	}
	e.must(404, "GET", orderingPath, "viewer", "")
	// A chunked body over the cap (no Content-Length) is cut off too.
	req, _ := http.NewRequest("PUT", e.srv.URL+orderingPath, strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+e.tokens["operator"])
	req.Header.Set("Content-Type", "application/json")
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != 413 {
		t.Errorf("chunked oversize body: %d", res.StatusCode)
	}
}

func TestUnknownRoutesAreProblems(t *testing.T) {
	e := newEnv(t)
	r := e.must(404, "GET", "/v1/nothing", "viewer", "")
	r.problem(t)
	r = e.must(405, "DELETE", "/v1/stores", "viewer", "")
	if p := r.problem(t); p.Status != 405 || !strings.Contains(r.header.Get("Allow"), "GET") {
		t.Errorf("405 %+v Allow %q", p, r.header.Get("Allow"))
	}
}

func TestEveryAnswerHasARequestID(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	for _, r := range []resp{
		e.do("GET", "/healthz", "", ""),
		e.do("GET", "/v1/stores", "", ""),
		e.do("GET", "/v1/stores", "viewer", ""),
		e.do("GET", "/v1/stores/nope", "viewer", ""),
		e.do("GET", "/nowhere", "", ""),
		e.do("PUT", orderingPath, "operator", "{"),
	} {
		id := r.header.Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Errorf("status %d: X-Request-Id %q (repeated: %v)", r.status, id, seen[id])
		}
		seen[id] = true
	}
	if r := e.do("GET", "/healthz", "", "", "X-Request-Id", "trace-42"); r.header.Get("X-Request-Id") != "trace-42" {
		t.Errorf("caller's request id not kept: %q", r.header.Get("X-Request-Id"))
	}
	if r := e.do("GET", "/healthz", "", "", "X-Request-Id", "bad id\"with quotes"); r.header.Get("X-Request-Id") == "bad id\"with quotes" {
		t.Error("an unsafe request id was echoed")
	}
}

func TestPanicBecomesProblemWithRequestID(t *testing.T) {
	logs := &syncBuffer{}
	p := &API{log: slog.New(slog.NewJSONHandler(logs, nil)), metrics: newMetrics()}
	h := withRequestInfo(p.withAccessLog(p.withRecover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("handler bug")
	}))))
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/v1/stores")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	var pr jwo.Problem
	if err := json.NewDecoder(res.Body).Decode(&pr); err != nil {
		t.Fatalf("decode problem: %v", err)
	}
	id := res.Header.Get("X-Request-Id")
	if res.StatusCode != 500 || res.Header.Get("Content-Type") != "application/problem+json" || pr.RequestID != id || id == "" {
		t.Errorf("status %d, problem %+v, X-Request-Id %q", res.StatusCode, pr, id)
	}
	if out := logs.String(); !strings.Contains(out, "handler bug") || !strings.Contains(out, id) {
		t.Errorf("panic not logged with its request id: %s", out)
	}
}

// Log lines say who did what and never carry a token, valid or not.
func TestLogsNeverContainTokens(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	e.must(200, "GET", "/v1/stores", "raw:Bearer "+e.tokens["viewer"], "")
	e.must(401, "GET", "/v1/stores", "raw:Bearer jwo_wrong-secret-value", "")
	e.must(401, "GET", "/v1/stores?access_token="+e.tokens["admin"], "", "")
	e.must(400, "PUT", orderingPath, "raw:Bearer "+e.tokens["operator"], "{")
	out := e.logs.String()
	for name, tok := range e.tokens {
		if strings.Contains(out, tok) || strings.Contains(out, strings.TrimPrefix(tok, "jwo_")) {
			t.Errorf("logs contain the %s token", name)
		}
	}
	for _, s := range []string{"jwo_wrong-secret-value", "wrong-secret-value", "Bearer", "Authorization"} {
		if strings.Contains(out, s) {
			t.Errorf("logs contain %q", s)
		}
	}
	var found bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != "request" {
			continue
		}
		if line["route"] == "PUT /v1/stores/{store_id}/connectors/{method}" && line["status"] == float64(201) {
			found = line["actor"] == "otto-operator" && line["method"] == "PUT" && line["request_id"] != "" && line["duration_ms"] != nil
		}
	}
	if !found {
		t.Errorf("no request line with route, status, actor, request id and duration:\n%s", out)
	}
}

func TestRateLimitPerToken(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.RateLimit = 1 })
	for i := range 2 {
		e.must(200, "GET", "/v1/stores", "viewer", "")
		_ = i
	}
	r := e.must(429, "GET", "/v1/stores", "viewer", "")
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	r.problem(t)
	// Another token has its own bucket; open endpoints are not limited.
	e.must(200, "GET", "/v1/stores", "operator", "")
	e.must(200, "GET", "/healthz", "", "")
}

func TestMetricsCountRoutesAndCodes(t *testing.T) {
	e := newEnv(t)
	e.must(200, "GET", "/v1/stores/acme-sea-01", "viewer", "")
	e.must(200, "GET", "/v1/stores/acme-none", "viewer", "")
	e.must(404, "GET", "/v1/stores/nope", "viewer", "")
	e.must(404, "GET", "/elsewhere", "viewer", "")
	// On the metrics handler (serve --metrics-addr), not the API's.
	rec := httptest.NewRecorder()
	e.api.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics on the metrics handler: %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`jwo_portal_requests_total{route="GET /v1/stores/{store_id}",code="200"} 2`,
		`jwo_portal_requests_total{route="GET /v1/stores/{store_id}",code="404"} 1`,
		`jwo_portal_requests_total{route="unmatched",code="404"} 1`,
		"# TYPE jwo_portal_requests_total counter",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
	}
}

func TestNewServerSetsTimeouts(t *testing.T) {
	s := NewServer("127.0.0.1:0", http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.Addr != "127.0.0.1:0" {
		t.Errorf("server %+v", s)
	}
	d := defaultTimeouts
	if s.ReadHeaderTimeout != d.ReadHeader || s.ReadTimeout != d.Read || s.WriteTimeout != d.Write || s.IdleTimeout != d.Idle {
		t.Errorf("server timeouts %v %v %v %v, want defaultTimeouts %+v", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, d)
	}
}
