package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func TestConnectorServesTheFourCalls(t *testing.T) {
	s := startServing(t, runConnector, "--addr", "127.0.0.1:0")
	bodies := map[jwo.Method]string{
		jwo.MethodIdentity:      `{"requestId":"r","storeId":"s","identityKey":"a2V5","keyChannel":"OPTICAL"}`,
		jwo.MethodLoyalty:       `{"requestId":"r","storeId":"s","scanEvent":{"id":"c2Nhbg=="}}`,
		jwo.MethodOrdering:      `{"idempotentShoppingTripId":"trip-1","storeId":"s","cartItems":[]}`,
		jwo.MethodFraudAndAbuse: `{"requestId":"r","storeId":"s","shopperIdentity":{"id":"x"}}`,
	}
	for _, m := range jwo.Methods {
		status, body := call(t, http.MethodPost, s.URL+m.CallPath(), "", bodies[m])
		if status != m.SuccessStatus() || !json.Valid([]byte(body)) {
			t.Errorf("%s: status %d body %q, want %d and JSON", m, status, body, m.SuccessStatus())
		}
	}
	if err := s.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("stderr does not log the shutdown:\n%s", s.stderr.String())
	}
}

func TestConnectorFailAndLatency(t *testing.T) {
	s := startServing(t, runConnector, "--addr", "127.0.0.1:0", "--fail", "ordering=503", "--latency", "150ms")
	start := time.Now()
	status, body := call(t, http.MethodPost, s.URL+jwo.MethodOrdering.CallPath(), "", `{"idempotentShoppingTripId":"t","storeId":"s"}`)
	if status != http.StatusServiceUnavailable {
		t.Errorf("ORDERING status %d (%s), want 503", status, body)
	}
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("answered after %v, want the 150ms latency", elapsed)
	}
	status, _ = call(t, http.MethodPost, s.URL+jwo.MethodLoyalty.CallPath(), "", `{"requestId":"r","storeId":"s","scanEvent":{"id":"x"}}`)
	if status != http.StatusOK {
		t.Errorf("LOYALTY status %d, want 200: --fail names one method", status)
	}
}

func TestConnectorAddressInUse(t *testing.T) {
	s := startServing(t, runConnector, "--addr", "127.0.0.1:0")
	addr := strings.TrimPrefix(s.URL, "http://")
	code, _, stderr := runCLI(t, "connector", "--addr", addr)
	if code != exitFailure || !strings.Contains(stderr, "jwo-portal connector: listen tcp "+addr) {
		t.Errorf("exit %d, stderr %q; want 1 and the listen error", code, stderr)
	}
}
