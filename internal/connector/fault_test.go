package connector

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func TestFailOption(t *testing.T) {
	c := New(Options{Fail: map[jwo.Method]int{jwo.MethodOrdering: 503}})
	srv := start(t, c)
	if status, b := post(t, srv, jwo.MethodOrdering, payload(t, jwo.MethodOrdering, "t")); status != 503 {
		t.Errorf("ORDERING status %d, want 503: %s", status, b)
	}
	if status, _ := post(t, srv, jwo.MethodLoyalty, payload(t, jwo.MethodLoyalty, "")); status != 200 {
		t.Errorf("LOYALTY status %d, want 200: Fail must touch only the named method", status)
	}
}

func TestFaults(t *testing.T) {
	c := New(Options{})
	srv := start(t, c)
	m := jwo.MethodFraudAndAbuse
	body := payload(t, m, "")
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantJSON   bool
		wantBody   string
	}{
		{"status 500", Status(500), 500, true, `"message":"Internal Server Error"`},
		{"status 429", Status(429), 429, true, `"message":"Too Many Requests"`},
		{"forbidden", Forbidden, 403, true, `{"message":"Forbidden"}`},
		{"non-JSON", NonJSON, 200, false, "<html>"},
		{"none again", None, 200, true, `"shopperAuthorized":true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.SetFault(m, tt.fault)
			status, b := post(t, srv, m, body)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d", status, tt.wantStatus)
			}
			if json.Valid(b) != tt.wantJSON {
				t.Errorf("body %q: JSON %v, want %v", b, json.Valid(b), tt.wantJSON)
			}
			if !strings.Contains(string(b), tt.wantBody) {
				t.Errorf("body %q does not contain %q", b, tt.wantBody)
			}
		})
	}
}

func TestHangBlocksUntilTheCallerGivesUp(t *testing.T) {
	c := New(Options{})
	srv := start(t, c)
	c.SetFault(jwo.MethodIdentity, Hang)
	start := time.Now() // before the deadline is set, so elapsed >= 150ms
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+jwo.MethodIdentity.CallPath(), strings.NewReader(payload(t, jwo.MethodIdentity, "")))
	resp, err := srv.Client().Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got status %d, want no answer", resp.StatusCode)
	}
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("gave up after %v, before the caller's deadline", elapsed)
	}
}

func TestCloseReleasesHungCalls(t *testing.T) {
	c := New(Options{})
	srv := start(t, c)
	c.SetFault(jwo.MethodOrdering, Hang)
	done := make(chan error, 1)
	go func() {
		// No deadline: only Close can end this call.
		resp, err := srv.Client().Post(srv.URL+jwo.MethodOrdering.CallPath(), "application/json", strings.NewReader(payload(t, jwo.MethodOrdering, "h")))
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	waitFor(t, func() bool { return c.Calls(jwo.MethodOrdering) == 1 })
	c.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a released call got an answer; want the connection dropped")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not release the hung call")
	}
}

func TestLatency(t *testing.T) {
	c := New(Options{Latency: 100 * time.Millisecond})
	srv := start(t, c)
	start := time.Now()
	if status, _ := post(t, srv, jwo.MethodLoyalty, payload(t, jwo.MethodLoyalty, "")); status != 200 {
		t.Fatalf("status %d", status)
	}
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Errorf("answered after %v, want at least the 100ms latency", elapsed)
	}
	// An hour of latency switched off again must not delay the next call;
	// postCtx fails the test if the 5s deadline passes.
	c.SetLatency(time.Hour)
	c.SetLatency(0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	postCtx(t, ctx, srv, jwo.MethodLoyalty, payload(t, jwo.MethodLoyalty, ""))
}

func TestLatencyHonoursCancellation(t *testing.T) {
	c := New(Options{Latency: time.Hour})
	srv := start(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+jwo.MethodLoyalty.CallPath(), strings.NewReader(payload(t, jwo.MethodLoyalty, "")))
	resp, err := srv.Client().Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("got an answer before the hour of latency")
	}
	// srv.Close in the cleanup waits for the handler: the test hangs if the
	// latency ignored the cancelled request.
}

func TestSetFaultRejectsProgrammingErrors(t *testing.T) {
	c := New(Options{})
	for name, f := range map[string]func(){
		"unknown method": func() { c.SetFault("CHECKOUT", Status(500)) },
		"status 42":      func() { c.SetFault(jwo.MethodOrdering, Status(42)) },
		"status 600":     func() { c.SetFault(jwo.MethodOrdering, Status(600)) },
		"bad Fail":       func() { New(Options{Fail: map[jwo.Method]int{jwo.MethodIdentity: 1000}}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

func TestSettersAreSafeUnderLoad(t *testing.T) {
	// Run with -race: setters and calls interleave.
	c := New(Options{})
	srv := start(t, c)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				c.SetFault(jwo.MethodOrdering, Status(502))
			} else {
				c.SetFault(jwo.MethodOrdering, None)
			}
			c.SetLatency(time.Duration(i%3) * time.Millisecond)
		}()
		go func() {
			defer wg.Done()
			status, _ := post(t, srv, jwo.MethodOrdering, payload(t, jwo.MethodOrdering, "load"))
			if status != 201 && status != 502 {
				t.Errorf("status %d, want 201 or 502", status)
			}
		}()
	}
	wg.Wait()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
