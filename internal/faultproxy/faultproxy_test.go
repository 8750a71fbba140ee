package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// backend is the server behind the proxy: it records what reached it and
// echoes the request in its answer.
type backend struct {
	URL string
	mu  sync.Mutex
	got []string // "METHOD escaped-path?query body"
}

func newBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		line := fmt.Sprintf("%s %s %s", r.Method, r.URL.RequestURI(), body)
		b.mu.Lock()
		b.got = append(b.got, line)
		b.mu.Unlock()
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		w.Header().Set("X-Echo-Connection", r.Header.Get("Connection"))
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, line)
	}))
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	b.URL = srv.URL
	return b
}

func (b *backend) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.got)
}

func newProxy(t *testing.T, cfg Config) *Proxy {
	t.Helper()
	t.Setenv(SeedEnv, "") // a seed exported for another run must not change these
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// freshClient opens a new connection per request, so that Go's transport
// never replays a request on its own and every fault reaches the test.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// reply is what a client received, read in full.
type reply struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, method, url, body string) (reply, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := freshClient().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

func TestEveryKindOfFault(t *testing.T) {
	const delay = 50 * time.Millisecond
	tests := []struct {
		kind    Kind
		status  int  // 0: no answer at all
		reached bool // the backend acted on the request
	}{
		{Unavailable, http.StatusServiceUnavailable, false},
		{RateLimited, http.StatusTooManyRequests, false},
		{Reset, 0, false},
		{Delay, http.StatusCreated, true},
		{DropAnswer, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			b := newBackend(t)
			p := newProxy(t, Config{Target: b.URL, Rate: 1, Kinds: []Kind{tt.kind}, RetryAfter: 1500 * time.Millisecond, Delay: delay})
			start := time.Now()
			got, err := send(t, http.MethodPost, p.URL+"/v1/things?x=1", "hello")
			elapsed := time.Since(start)

			if tt.status == 0 {
				if !errors.Is(err, syscall.ECONNRESET) {
					t.Fatalf("err = %v, want connection reset by peer", err)
				}
			} else {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if got.status != tt.status {
					t.Fatalf("status %d, want %d", got.status, tt.status)
				}
			}
			switch tt.kind {
			case Unavailable, RateLimited:
				if ra := got.header.Get("Retry-After"); ra != "2" {
					t.Errorf("Retry-After %q, want 2 (1.5s rounded up)", ra)
				}
			case Delay:
				if got.body != "POST /v1/things?x=1 hello" {
					t.Errorf("answer %q is not the backend's", got.body)
				}
				if elapsed < delay {
					t.Errorf("answered after %v, want at least %v", elapsed, delay)
				}
			}

			want := []string{}
			if tt.reached {
				want = []string{"POST /v1/things?x=1 hello"}
			}
			if reached := b.requests(); !slices.Equal(reached, want) {
				t.Errorf("backend got %q, want %q", reached, want)
			}
			if n := p.Counts()[tt.kind]; n != 1 {
				t.Errorf("%d faults of %s counted, want 1", n, tt.kind)
			}
			faults := p.Faults()
			if len(faults) != 1 || faults[0].Method != "POST" || faults[0].Path != "/v1/things" || faults[0].Header.Get("Authorization") != "" {
				t.Errorf("faults = %+v, want one POST /v1/things without the token", faults)
			}
			if p.Requests() != 1 {
				t.Errorf("Requests() = %d, want 1", p.Requests())
			}
		})
	}
}

func TestForwardsRequestAndAnswerIntact(t *testing.T) {
	b := newBackend(t)
	p := newProxy(t, Config{Target: b.URL, Rate: 0})
	req, _ := http.NewRequest(http.MethodPut, p.URL+"/v1/stores/a%2Fb/x?q=1&r=2", strings.NewReader(`{"a":1}`))
	req.Header.Set("Authorization", "Bearer secret")
	req.Header.Set("Connection", "X-Private")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || string(body) != `PUT /v1/stores/a%2Fb/x?q=1&r=2 {"a":1}` {
		t.Errorf("answer %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Echo-Auth"); got != "Bearer secret" {
		t.Errorf("Authorization reached the backend as %q", got)
	}
	if got := resp.Header.Get("X-Echo-Connection"); got != "" {
		t.Errorf("hop-by-hop Connection header was forwarded: %q", got)
	}
}

func TestRateZeroForwardsEverything(t *testing.T) {
	b := newBackend(t)
	p := newProxy(t, Config{Target: b.URL, Rate: 0})
	for i := range 20 {
		if got, err := send(t, http.MethodGet, fmt.Sprintf("%s/r/%d", p.URL, i), ""); err != nil || got.status != http.StatusCreated {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if len(b.requests()) != 20 || p.Requests() != 20 || len(p.Faults()) != 0 {
		t.Errorf("backend %d, proxied %d, faults %d; want 20, 20, 0", len(b.requests()), p.Requests(), len(p.Faults()))
	}
}

func TestExemptRequestsAreNeverFaulted(t *testing.T) {
	b := newBackend(t)
	p := newProxy(t, Config{Target: b.URL, Rate: 1, Kinds: []Kind{Unavailable},
		Exempt: func(r *http.Request) bool { return r.URL.Path == "/healthz" }})
	for range 5 {
		if got, err := send(t, http.MethodGet, p.URL+"/healthz", ""); err != nil || got.status != http.StatusCreated {
			t.Fatalf("exempt request faulted: %d %v", got.status, err)
		}
	}
	if got, err := send(t, http.MethodGet, p.URL+"/v1/x", ""); err != nil || got.status != http.StatusServiceUnavailable {
		t.Fatalf("other request not faulted at rate 1: %d %v", got.status, err)
	}
	if p.Requests() != 6 || p.Counts()[Unavailable] != 1 {
		t.Errorf("proxied %d with %v, want 6 with one fault", p.Requests(), p.Counts())
	}
}

func TestForcedFaultsComeFirst(t *testing.T) {
	b := newBackend(t)
	p := newProxy(t, Config{Target: b.URL, Rate: 0, Force: []Force{{
		Match: func(r *http.Request) bool { return r.Method == http.MethodPut },
		Kind:  DropAnswer,
		Count: 2,
	}}})
	var lost int
	for i := range 3 {
		if _, err := send(t, http.MethodGet, p.URL+"/g", ""); err != nil {
			t.Fatalf("GET %d faulted: %v", i, err)
		}
		if _, err := send(t, http.MethodPut, p.URL+"/p", "v"); err != nil {
			lost++
		}
	}
	if lost != 2 || p.Counts()[DropAnswer] != 2 || len(b.requests()) != 6 {
		t.Errorf("%d PUT answers lost, %v counted, backend saw %d; want 2, 2 drops, 6", lost, p.Counts(), len(b.requests()))
	}
}

func TestSameSeedSameFaults(t *testing.T) {
	b := newBackend(t)
	pattern := func(seed uint64) string {
		p := newProxy(t, Config{Target: b.URL, Seed: seed, Rate: 0.5, Kinds: []Kind{Unavailable, RateLimited}})
		if p.Seed() != seed {
			t.Fatalf("Seed() = %d, want %d", p.Seed(), seed)
		}
		var s strings.Builder
		for range 40 {
			got, err := send(t, http.MethodGet, p.URL+"/x", "")
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&s, "%d ", got.status)
		}
		return s.String()
	}
	first, again, other := pattern(42), pattern(42), pattern(43)
	if first != again {
		t.Errorf("seed 42 gave two different runs:\n%s\n%s", first, again)
	}
	if first == other {
		t.Errorf("seeds 42 and 43 gave the same run: %s", first)
	}
	if !strings.Contains(first, "201") || !strings.Contains(first, "503") || !strings.Contains(first, "429") {
		t.Errorf("rate 0.5 over two kinds should mix answers: %s", first)
	}
}

func TestSeedFromEnvironmentWins(t *testing.T) {
	b := newBackend(t)
	t.Setenv(SeedEnv, "7")
	p, err := New(Config{Target: b.URL, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close() }()
	if p.Seed() != 7 {
		t.Errorf("Seed() = %d, want 7 from %s", p.Seed(), SeedEnv)
	}
	t.Setenv(SeedEnv, "seven")
	if _, err := New(Config{Target: b.URL}); err == nil || !strings.Contains(err.Error(), SeedEnv) {
		t.Errorf("err = %v, want one naming %s", err, SeedEnv)
	}
}

func TestRandomSeedIsNeverZero(t *testing.T) {
	b := newBackend(t)
	p := newProxy(t, Config{Target: b.URL})
	if p.Seed() == 0 {
		t.Error("a picked seed of 0 could not be replayed: 0 means \"pick one\"")
	}
}

func TestRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Target: "http://10.1.2.3:8080"},
		{Target: "http://example.com"},
		{Target: "ftp://127.0.0.1:21"},
		{Target: "http://127.0.0.1:1", Rate: 1.5},
		{Target: "http://127.0.0.1:1", Rate: -0.1},
	} {
		if p, err := New(cfg); err == nil {
			_ = p.Close()
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}
