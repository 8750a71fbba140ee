package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var metricsLine = regexp.MustCompile(`jwo-portal: metrics on (http://127\.0\.0\.1:\d+/metrics)\n`)

// The counters describe every merchant's traffic together: they are served
// only on --metrics-addr, never on the API's address, and not at all by
// default.
func TestMetricsOnlyOnTheirOwnAddress(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "portal.db")
	s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--db", db, "--dev")
	if status, _ := call(t, http.MethodGet, s.URL+"/healthz", "", ""); status != http.StatusOK {
		t.Fatalf("GET /healthz: %d", status)
	}
	m := metricsLine.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("stdout does not say where the metrics are: %q", s.stdout.String())
	}
	status, body := call(t, http.MethodGet, m[1], "", "")
	if status != http.StatusOK || !strings.Contains(body, `jwo_portal_requests_total{route="GET /healthz",code="200"} 1`) {
		t.Errorf("GET %s: %d %.300s", m[1], status, body)
	}
	if status, _ := call(t, http.MethodGet, s.URL+"/metrics", "", ""); status != http.StatusNotFound {
		t.Errorf("GET /metrics on the API's address: %d, want 404", status)
	}
	if status, _ := call(t, http.MethodGet, strings.TrimSuffix(m[1], "/metrics")+"/v1/stores", "", ""); status != http.StatusNotFound {
		t.Errorf("the API on the metrics address: %d, want 404", status)
	}

	plain := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "p.db"), "--dev")
	if strings.Contains(plain.stdout.String(), "metrics on") {
		t.Errorf("metrics served without --metrics-addr: %q", plain.stdout.String())
	}
	if status, _ := call(t, http.MethodGet, plain.URL+"/metrics", "", ""); status != http.StatusNotFound {
		t.Errorf("GET /metrics without --metrics-addr: %d, want 404", status)
	}
}
