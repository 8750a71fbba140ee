package client

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

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// testToken is long and distinctive so that a leak is found by a plain search.
const testToken = "tok-7f3a9c0e-SECRET-never-log-me"

// recordedRequest is what the fake portal saw of one request.
type recordedRequest struct {
	Method string
	Path   string // escaped, as on the wire
	Query  string // raw query
	Header http.Header
	Body   string
	Remote string // client address: the same one means a reused connection
}

// fakePortal is a loopback server that records every request and answers
// through h, which gets the 1-based number of the request.
type fakePortal struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recordedRequest
}

func newFake(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *fakePortal {
	t.Helper()
	f := &fakePortal{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recordedRequest{
			Method: r.Method,
			Path:   r.URL.EscapedPath(),
			Query:  r.URL.RawQuery,
			Header: r.Header.Clone(),
			Body:   string(body),
			Remote: r.RemoteAddr,
		})
		n := len(f.reqs)
		f.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePortal) requests() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedRequest(nil), f.reqs...)
}

func (f *fakePortal) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// newTestClient has tiny retry waits so the suite stays fast; opts adjust it.
func newTestClient(t *testing.T, endpoint string, opts ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Endpoint:     endpoint,
		Token:        testToken,
		Timeout:      5 * time.Second,
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeProblem(w http.ResponseWriter, status int, detail string, errs ...jwo.FieldError) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(jwo.Problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Errors: errs,
	})
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no endpoint", Config{Token: testToken}, "Endpoint is empty"},
		{"not http", Config{Endpoint: "ftp://127.0.0.1", Token: testToken}, "http:// or https://"},
		{"no host", Config{Endpoint: "http://", Token: testToken}, "no host"},
		{"query", Config{Endpoint: "http://127.0.0.1/?a=b", Token: testToken}, "query"},
		{"no token", Config{Endpoint: "http://127.0.0.1"}, "Token is empty"},
		{"token with new line", Config{Endpoint: "http://127.0.0.1", Token: testToken + "\n"}, "white space"},
		{"negative timeout", Config{Endpoint: "http://127.0.0.1", Token: testToken, Timeout: -time.Second}, "negative"},
		{"negative retries", Config{Endpoint: "http://127.0.0.1", Token: testToken, MaxRetries: -1}, "MaxRetries -1 is negative: use 0 for no retries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New() error = %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("error %q shows the token", err)
			}
		})
	}
}

func TestNewAppliesDefaults(t *testing.T) {
	c, err := New(Config{Endpoint: "http://127.0.0.1:8787/", Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	// MaxRetries has no default: its zero value means no retries.
	if c.base != "http://127.0.0.1:8787" || c.maxRetries != 0 || c.retryWaitMin != 200*time.Millisecond ||
		c.retryWaitMax != 5*time.Second || c.http.Timeout != 30*time.Second {
		t.Fatalf("defaults not applied: %+v", c)
	}
	c, err = New(Config{Endpoint: "http://127.0.0.1", Token: testToken, MaxRetries: DefaultMaxRetries, RetryWaitMin: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if c.maxRetries != DefaultMaxRetries || c.retryWaitMax != 10*time.Second {
		t.Fatalf("MaxRetries should be kept and the wait bounds collapse: %+v", c)
	}
}

func TestNewKeepsCallersHTTPClient(t *testing.T) {
	tr := &http.Transport{}
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	c, err := New(Config{Endpoint: "http://127.0.0.1", Token: testToken, HTTPClient: hc, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if hc.Timeout != time.Minute {
		t.Errorf("caller's client was changed: Timeout = %v", hc.Timeout)
	}
	if c.http.Transport != tr || c.http.Timeout != time.Second {
		t.Errorf("transport not reused or timeout not set: %+v", c.http)
	}
}

func TestEndpointWithBasePathAndTrailingSlash(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(http.StatusOK) })
	c := newTestClient(t, f.URL+"/portal/")
	if err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].Path; got != "/portal/healthz" {
		t.Fatalf("path = %q, want /portal/healthz", got)
	}
}

func TestUserAgent(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(http.StatusOK) })
	const tail = " (+https://github.com/justwalkout/terraform-provider-jwo)"
	for _, tt := range []struct{ product, version, want string }{
		{"", "", "jwo-client/dev" + tail},
		{"", "0.4.1", "jwo-client/0.4.1" + tail},
		{"terraform-provider-jwo/1.2.3", "1.2.3", "terraform-provider-jwo/1.2.3 jwo-client/1.2.3" + tail},
	} {
		c := newTestClient(t, f.URL, func(cfg *Config) { cfg.UserAgent, cfg.Version = tt.product, tt.version })
		if err := c.Health(context.Background()); err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()
		if got := reqs[len(reqs)-1].Header.Get("User-Agent"); got != tt.want {
			t.Errorf("User-Agent = %q, want %q", got, tt.want)
		}
	}
}

// Bodies are drained and closed, also of error answers and of attempts that
// are retried, so one kept-alive connection serves call after call.
func TestConnectionIsReused(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n % 3 {
		case 0:
			writeProblem(w, http.StatusNotFound, strings.Repeat("gone ", 2000))
		case 1:
			writeProblem(w, http.StatusServiceUnavailable, "busy") // retried
		default:
			writeJSON(w, http.StatusOK, jwo.Store{})
		}
	})
	c := newTestClient(t, f.URL)
	for range 4 {
		_, err := c.GetStore(context.Background(), "s1")
		_, _ = c.GetStore(context.Background(), "s1")
		if err != nil {
			t.Fatal(err)
		}
	}
	reqs := f.requests()
	for _, r := range reqs {
		if r.Remote != reqs[0].Remote {
			t.Fatalf("requests came from %s and %s: the connection was not reused", reqs[0].Remote, r.Remote)
		}
	}
}

func TestRetryablehttpDoesNotPrint(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	if l := c.newCall("GET", "/", true).retrier().Logger; l != nil {
		t.Errorf("retryablehttp logger = %v, want none: it would print to stderr", l)
	}
}
