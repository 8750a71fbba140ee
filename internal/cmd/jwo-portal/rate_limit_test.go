package main

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
)

// --rate-limit reaches the portal: with 1 request a second (burst 2), the
// third request in a row of one token is refused with 429, problem+json and
// a Retry-After in whole seconds, while another token is not held back.
func TestServeRateLimitFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "portal.db")
	s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db, "--rate-limit", "1")
	busy, other := createToken(t, db, "acme", "viewer"), createToken(t, db, "acme", "viewer")

	// get returns the answer's status and headers; its body is closed.
	type answer struct {
		StatusCode int
		Header     http.Header
	}
	get := func(token string) answer {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, s.URL+"/v1/stores", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return answer{resp.StatusCode, resp.Header}
	}
	var refused *answer
	for range 4 {
		if r := get(busy); r.StatusCode == http.StatusTooManyRequests {
			refused = &r
			break
		} else if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /v1/stores: %d", r.StatusCode)
		}
	}
	if refused == nil {
		t.Fatal("4 requests in a row under --rate-limit 1 were all served")
	}
	if ct := refused.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("429 Content-Type = %q, want application/problem+json", ct)
	}
	if secs, err := strconv.Atoi(refused.Header.Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("429 Retry-After = %q, want whole seconds >= 1", refused.Header.Get("Retry-After"))
	}
	if r := get(other); r.StatusCode != http.StatusOK {
		t.Errorf("another token got %d, want 200: buckets are per token", r.StatusCode)
	}
}

// --trusted-proxy reaches the portal: behind a proxy on 127.0.0.1, the
// client that X-Forwarded-For names has its own failed-authentication
// budget; without the flag the header is ignored and all share one.
func TestServeTrustedProxyFlag(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		args := []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "portal.db")}
		if trusted {
			args = append(args, "--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "::1")
		}
		s := startServing(t, runServe, args...)
		guess := func(client string) int {
			t.Helper()
			req, err := http.NewRequest(http.MethodGet, s.URL+"/v1/stores", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer jwo_guessed")
			req.Header.Set("X-Forwarded-For", client)
			resp, err := testClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			return resp.StatusCode
		}
		// The default budget: 10 a second, bursts of 100.
		limited := false
		for range 300 {
			if guess("203.0.113.1") == http.StatusTooManyRequests {
				limited = true
				break
			}
		}
		if !limited {
			t.Fatalf("trusted=%v: 300 bad tokens in a row were never limited", trusted)
		}
		want := http.StatusUnauthorized
		if !trusted {
			want = http.StatusTooManyRequests
		}
		if got := guess("203.0.113.2"); got != want {
			t.Errorf("trusted=%v: another client behind the proxy got %d, want %d", trusted, got, want)
		}
	}
}
