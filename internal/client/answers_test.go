package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// What a failed answer becomes: a problem document is kept as the portal
// wrote it, whichever of its fields it has; anything else becomes a short
// one-line excerpt, and the status and its text are always there.
func TestErrorAnswersBecomeProblems(t *testing.T) {
	long := strings.Repeat("x", 200)
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		wantTitle, wantDetail   string
		wantType                string
		wantFields              int
	}{
		{"a full problem", "application/problem+json", `{"type":"urn:t","title":"Conflict here","status":409,"detail":"d"}`, 409, "Conflict here", "d", "urn:t", 0},
		{"only a type", "application/problem+json", `{"type":"urn:only"}`, 409, "Conflict", "", "urn:only", 0},
		{"only a title", "application/json; charset=utf-8", `{"title":"Custom"}`, 400, "Custom", "", "", 0},
		{"only a detail", "application/problem+json", `{"detail":"just this"}`, 404, "Not Found", "just this", "", 0},
		{"only field errors", "application/problem+json", `{"errors":[{"field":"sku","message":"bad"}]}`, 422, "Unprocessable Entity", "", "", 1},
		{"an empty object is no problem document", "application/problem+json", `{}`, 500, "Internal Server Error", "{}", "", 0},
		{"HTML from a proxy", "text/html", "<html>\n  <b>Bad\tGateway</b>\n</html>", 502, "Bad Gateway", "<html> <b>Bad Gateway</b> </html>", "", 0},
		{"JSON under a text type", "text/plain", `{"detail":"not read as a problem"}`, 400, "Bad Request", `{"detail":"not read as a problem"}`, "", 0},
		{"an excerpt of exactly 200 runes", "text/plain", long, 500, "Internal Server Error", long, "", 0},
		{"an excerpt cut at 200 runes", "text/plain", long + "yz", 500, "Internal Server Error", long + "…", "", 0},
		{"a status without text", "text/plain", "odd", 599, "", "odd", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
			_, err := c.GetStore(context.Background(), "s1")
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			p := ae.Problem
			if ae.StatusCode != tc.status || p.Status != tc.status {
				t.Errorf("status %d / problem status %d, want %d", ae.StatusCode, p.Status, tc.status)
			}
			if p.Title != tc.wantTitle || p.Detail != tc.wantDetail || p.Type != tc.wantType || len(p.Errors) != tc.wantFields {
				t.Errorf("problem %+v, want title %q detail %q type %q and %d field errors", p, tc.wantTitle, tc.wantDetail, tc.wantType, tc.wantFields)
			}
		})
	}
}

func TestStatusText(t *testing.T) {
	for _, tc := range []struct {
		code  int
		title string
		want  string
	}{
		{404, "", "Not Found"}, {404, "Gone fishing", "Not Found"}, {599, "Gone fishing", "Gone fishing"}, {599, "", "Unknown Status"},
	} {
		if got := statusText(tc.code, tc.title); got != tc.want {
			t.Errorf("statusText(%d, %q) = %q, want %q", tc.code, tc.title, got, tc.want)
		}
	}
}

// Every 2xx is a success, 299 included; a redirect and a 4xx are not.
func TestEvery2xxIsASuccess(t *testing.T) {
	t.Parallel()
	for status, ok := range map[int]bool{200: true, 201: true, 299: true, 302: false, 400: false} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"id":"s1"}`))
		})
		c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
		if _, err := c.GetStore(context.Background(), "s1"); (err == nil) != ok {
			t.Errorf("status %d: err = %v, want success %t", status, err, ok)
		}
	}
}

// An answer may be exactly maxAnswerBytes long; one byte more is refused,
// and a JSON answer cut off says so.
func TestAnswerSizeLimit(t *testing.T) {
	t.Parallel()
	var b []byte
	if err := decodeAnswer(strings.NewReader(strings.Repeat("a", maxAnswerBytes)), &b); err != nil || len(b) != maxAnswerBytes {
		t.Errorf("an answer of exactly the limit: %d bytes, %v", len(b), err)
	}
	if err := decodeAnswer(strings.NewReader(strings.Repeat("a", maxAnswerBytes+1)), &b); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("an answer one byte over the limit: %v", err)
	}
	var v map[string]any
	if err := decodeAnswer(strings.NewReader(`{"id":"s1",`), &v); err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Errorf("a cut-off JSON answer: %v", err)
	}
	if err := decodeAnswer(strings.NewReader(`{"id":`+`"`+strings.Repeat("a", maxAnswerBytes)+`"}`), &v); err == nil || !strings.Contains(err.Error(), "cut off or larger") {
		t.Errorf("a JSON answer over the limit: %v", err)
	}
}

// getTest reports that the portal held the answer only when the answer is
// a success that says Preference-Applied: wait=...
func TestGetTestSaysWhetherThePortalWaited(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		status  int
		applied string
		waited  bool
	}{
		{"held", 200, "wait=5", true},
		{"answered at once", 200, "", false},
		{"another preference", 200, "return=minimal", false},
		{"an error that says it waited", 404, "wait=5", false},
	} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if tc.applied != "" {
				w.Header().Set("Preference-Applied", tc.applied)
			}
			if tc.status != 200 {
				writeProblem(w, tc.status, "no such run")
				return
			}
			writeJSON(w, 200, sampleTest)
		})
		c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
		_, waited, err := c.getTest(context.Background(), "run-1", 5*time.Second)
		if waited != tc.waited || (err == nil) != (tc.status == 200) {
			t.Errorf("%s: waited %t, err %v; want waited %t", tc.name, waited, err, tc.waited)
		}
		if got := f.requests()[0].Header.Get("Prefer"); got != "wait=5" {
			t.Errorf("%s: Prefer %q, want wait=5", tc.name, got)
		}
	}
}

// A limit of 0 leaves the page size to the portal; 1 asks for one run.
func TestListTestsLimit(t *testing.T) {
	t.Parallel()
	for limit, want := range map[int]string{0: "", -1: "", 1: "limit=1", 25: "limit=25"} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			writeJSON(w, 200, jwo.TestList{Tests: []jwo.ConnectivityTest{sampleTest}})
		})
		c := newTestClient(t, f.URL)
		if _, err := c.ListTests(context.Background(), "s1", jwo.MethodOrdering, limit); err != nil {
			t.Fatal(err)
		}
		if got := f.requests()[0].Query; got != want {
			t.Errorf("limit %d: query %q, want %q", limit, got, want)
		}
	}
}

// The backoff of attempt n lies in [base/2, base] for base = min(min·2^(n-1),
// max), never below the minimum, and uses the whole of that range.
func TestBackoffRangePerAttempt(t *testing.T) {
	t.Parallel()
	c := &Client{retryWaitMin: 100 * time.Millisecond, retryWaitMax: time.Second}
	for attempt, base := range map[int]time.Duration{
		1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond,
		4: 800 * time.Millisecond, 5: time.Second, 12: time.Second,
	} {
		lo, hi := max(base/2, c.retryWaitMin), base
		seenLow, seenHigh := false, false
		for range 400 {
			w := c.jitteredBackoff(attempt)
			if w < lo || w > hi {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, w, lo, hi)
			}
			seenLow = seenLow || w < lo+(hi-lo)/4
			seenHigh = seenHigh || w > hi-(hi-lo)/4
		}
		if lo < hi && (!seenLow || !seenHigh) {
			t.Errorf("attempt %d: 400 waits did not spread over [%v, %v]", attempt, lo, hi)
		}
	}
}

// The server's Retry-After is waited out up to the cap (the cap itself
// included), with up to a quarter on top; beyond the cap the call gives up.
func TestThrottleWaitHonoursRetryAfterUpToTheCap(t *testing.T) {
	t.Parallel()
	c := &Client{retryWaitMin: 100 * time.Millisecond, retryWaitMax: 5 * time.Second}
	retryAfter := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	for range 100 {
		w, ok := c.throttleWait(&http.Response{StatusCode: http.StatusTooManyRequests, Header: retryAfter("8")}, 1)
		if !ok || w < 8*time.Second || w > 10*time.Second {
			t.Fatalf("Retry-After 8: %v, %t; want 8s to 10s", w, ok)
		}
	}
	if w, ok := c.throttleWait(&http.Response{StatusCode: http.StatusTooManyRequests, Header: retryAfter("30")}, 1); !ok || w < 30*time.Second {
		t.Errorf("Retry-After at the cap of 30s: %v, %t", w, ok)
	}
	if _, ok := c.throttleWait(&http.Response{StatusCode: http.StatusTooManyRequests, Header: retryAfter("31")}, 1); ok {
		t.Error("Retry-After beyond the cap was accepted")
	}
	if w, ok := c.throttleWait(&http.Response{StatusCode: http.StatusTooManyRequests, Header: retryAfter("0")}, 1); !ok || w < c.retryWaitMin {
		t.Errorf("Retry-After 0: %v, %t; want at least the minimum wait", w, ok)
	}
}

// A transport failure says how many attempts it took, only when there was
// more than one.
func TestTransportErrorCountsAttempts(t *testing.T) {
	t.Parallel()
	dead := closedPort(t)
	for retries, want := range map[int]string{0: "", 1: "(after 2 attempts)", 2: "(after 3 attempts)"} {
		c := newTestClient(t, dead, func(cfg *Config) { cfg.MaxRetries = retries })
		_, err := c.GetStore(context.Background(), "s1")
		if err == nil {
			t.Fatal("a call to a closed port succeeded")
		}
		if has := strings.Contains(err.Error(), "attempts)"); has != (want != "") || !strings.Contains(err.Error(), want) {
			t.Errorf("%d retries: %q, want %q", retries, err, want)
		}
	}
}

// The request log's copy of the headers hides every credential and adds
// none that the request did not have.
func TestRedactHeader(t *testing.T) {
	t.Parallel()
	h := http.Header{"Authorization": {"Bearer jwo_secret"}, "Cookie": {"s=secret"}, "Accept": {"application/json"}}
	got := redactHeader(h)
	if got.Get("Authorization") != "Bearer <redacted>" || got.Get("Cookie") != "<redacted>" || got.Get("Accept") != "application/json" {
		t.Errorf("redacted %v", got)
	}
	if _, ok := got["Proxy-Authorization"]; ok {
		t.Errorf("redaction added a Proxy-Authorization header: %v", got)
	}
	if h.Get("Cookie") != "s=secret" {
		t.Error("redaction changed the request's own headers")
	}
	if got := redactHeader(http.Header{"Proxy-Authorization": {"Basic c2VjcmV0"}}); got.Get("Proxy-Authorization") != "<redacted>" {
		t.Errorf("Proxy-Authorization kept: %v", got)
	}
}
