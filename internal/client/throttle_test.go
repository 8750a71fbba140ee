package client

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Throttling is pacing, not failure: many 429s in a row do not use up
// MaxRetries, so a call through a busy rate limit still gets its answer.
func TestThrottlingDoesNotUseUpMaxRetries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
	}{
		{"429 with Retry-After", http.StatusTooManyRequests, "0"},
		{"429 without Retry-After", http.StatusTooManyRequests, ""},
		{"503 with Retry-After", http.StatusServiceUnavailable, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, failThen(6, tc.status, tc.retryAfter))
			c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 2 })
			if _, err := c.GetConnector(context.Background(), "s1", jwo.MethodOrdering); err != nil {
				t.Fatalf("GetConnector after 6 throttling answers: %v", err)
			}
			if n := f.count(); n != 7 {
				t.Errorf("%d requests, want 7", n)
			}
		})
	}
}

// A 503 without Retry-After is an outage, not pacing: MaxRetries bounds it.
func TestPlain503UsesUpMaxRetries(t *testing.T) {
	f := newFake(t, failThen(6, http.StatusServiceUnavailable, ""))
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 2 })
	if _, err := c.GetConnector(context.Background(), "s1", jwo.MethodOrdering); StatusCode(err) != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the 503", err)
	}
	if n := f.count(); n != 3 {
		t.Errorf("%d requests, want MaxRetries+1 = 3", n)
	}
}

// MaxThrottledWait bounds the waiting: a server that never stops throttling
// ends in its 429, not in a call that never returns.
func TestThrottledWaitIsBounded(t *testing.T) {
	f := newFake(t, failThen(1000, http.StatusTooManyRequests, ""))
	c := newTestClient(t, f.URL, func(cfg *Config) {
		cfg.RetryWaitMin, cfg.RetryWaitMax = 10*time.Millisecond, 10*time.Millisecond
		cfg.MaxThrottledWait = 100 * time.Millisecond
	})
	_, err := c.GetConnector(context.Background(), "s1", jwo.MethodOrdering)
	if StatusCode(err) != http.StatusTooManyRequests {
		t.Fatalf("err = %v, want the 429", err)
	}
	// Each wait is 10ms (backoff bounds collapsed; no Retry-After, so no
	// jitter on top): at most 10 waits fit in 100ms, so at most 11 requests.
	if n := f.count(); n < 2 || n > 11 {
		t.Errorf("%d requests, want 2..11", n)
	}
}

// MaxRetries 0 turns retries off entirely, throttling included.
func TestNoRetriesMeansNoThrottleRetries(t *testing.T) {
	f := newFake(t, failThen(1, http.StatusTooManyRequests, "0"))
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
	if _, err := c.GetConnector(context.Background(), "s1", jwo.MethodOrdering); StatusCode(err) != http.StatusTooManyRequests {
		t.Fatalf("err = %v, want the 429", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// The wait after a throttling answer is the server's Retry-After plus up to
// a quarter more, so that clients refused together come back apart.
func TestThrottleWaitSpreadsClients(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"2"}}}
	seen := map[time.Duration]bool{}
	for range 50 {
		w, ok := c.throttleWait(resp, 1)
		if !ok || w < 2*time.Second || w > 2500*time.Millisecond {
			t.Fatalf("throttleWait = %v, %v; want 2s..2.5s", w, ok)
		}
		seen[w] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct waits in 50: the clients would come back together", len(seen))
	}
}
