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

func TestConnectorViolate(t *testing.T) {
	s := startServing(t, runConnector, "--addr", "127.0.0.1:0", "--violate", "ordering.retry_is_idempotent", "--violate", "identity.missing_key_refused")
	order := `{"idempotentShoppingTripId":"trip-v","storeId":"s","cartItems":[]}`
	_, first := call(t, http.MethodPost, s.URL+jwo.MethodOrdering.CallPath(), "", order)
	status, again := call(t, http.MethodPost, s.URL+jwo.MethodOrdering.CallPath(), "", order)
	if status != http.StatusCreated || first == again {
		t.Errorf("retry answered %d %s after %s, want 201 with a new purchaseId", status, again, first)
	}
	status, body := call(t, http.MethodPost, s.URL+jwo.MethodIdentity.CallPath(), "", `{"requestId":"r","storeId":"s"}`)
	if status != http.StatusOK || !strings.Contains(body, "visitorDetails") {
		t.Errorf("identity without a key answered %d %s, want the gate opened", status, body)
	}
	if !strings.Contains(s.stderr.String(), "violate=ordering.retry_is_idempotent,identity.missing_key_refused") {
		t.Errorf("stderr does not log the violations:\n%s", s.stderr.String())
	}
}

func TestConnectorViolateRefusesAnUnknownCase(t *testing.T) {
	code, _, stderr := runCLI(t, "connector", "--addr", "127.0.0.1:0", "--violate", "ordering.retry")
	if code != exitUsage || !strings.Contains(stderr, `unknown case "ordering.retry": use one of identity.answer`) {
		t.Errorf("exit %d, stderr %q; want a usage error naming the cases", code, stderr)
	}
}
