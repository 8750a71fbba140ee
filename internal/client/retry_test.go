package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// failThen answers status to the first `failures` requests (with Retry-After
// when retryAfter is set), then a connector.
func failThen(failures, status int, retryAfter string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= failures {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeProblem(w, status, "try again later")
			return
		}
		writeJSON(w, http.StatusOK, sampleConnector)
	}
}

func TestRetriesTransientStatuses(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusTooManyRequests} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := newFake(t, failThen(2, status, ""))
			c := newTestClient(t, f.URL)
			conn, err := c.GetConnector(context.Background(), "s1", jwo.MethodOrdering)
			if err != nil {
				t.Fatalf("GetConnector: %v", err)
			}
			if conn.Version != sampleConnector.Version {
				t.Errorf("answer not decoded: %+v", conn)
			}
			if n := f.count(); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
		})
	}
}

func TestDoesNotRetryOtherStatuses(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusNotImplemented, http.StatusBadRequest, http.StatusNotFound} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := newFake(t, failThen(1, status, ""))
			c := newTestClient(t, f.URL)
			_, err := c.GetConnector(context.Background(), "s1", jwo.MethodOrdering)
			if StatusCode(err) != status {
				t.Fatalf("err = %v, want status %d", err, status)
			}
			if n := f.count(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestHonoursRetryAfterSeconds(t *testing.T) {
	f := newFake(t, failThen(1, http.StatusTooManyRequests, "1"))
	// RetryWaitMax far below the server's wish: Retry-After must still win.
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.RetryWaitMax = 10 * time.Millisecond })
	start := time.Now()
	if _, err := c.GetStore(context.Background(), "s1"); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond {
		t.Errorf("retried after %v, want at least ~1s", elapsed)
	}
	if n := f.count(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRetryAfterBeyondTheCapEndsRetries(t *testing.T) {
	f := newFake(t, failThen(1, http.StatusServiceUnavailable, "3600"))
	c := newTestClient(t, f.URL)
	start := time.Now()
	_, err := c.GetStore(context.Background(), "s1")
	if StatusCode(err) != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the 503", err)
	}
	if time.Since(start) > time.Second || f.count() != 1 {
		t.Errorf("took %v and %d requests: a Retry-After of an hour must fail at once", time.Since(start), f.count())
	}
}

// dropThen loses the answer of the first `failures` requests: the handler
// runs (the request is counted) and the connection is reset without a byte
// of answer, as when a proxy or the network fails after the server acted.
func dropThen(failures int, then func(http.ResponseWriter, *http.Request, int)) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if n > failures {
			then(w, r, n)
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST, not FIN
		}
		_ = conn.Close()
	}
}

func TestWritesRetriedOnlyWhenSafeToRepeat(t *testing.T) {
	ctx := context.Background()
	in := jwo.ConnectorInput{EndpointURL: "https://api.example.com", EndpointType: jwo.EndpointPublic}
	calls := []struct {
		name       string
		call       func(c *Client) error
		repeatable bool // a second attempt cannot apply it twice
	}{
		{"POST without Idempotency-Key", func(c *Client) error {
			_, err := c.StartTest(ctx, "s1", jwo.MethodIdentity, "", "")
			return err
		}, false},
		{"POST with Idempotency-Key", func(c *Client) error {
			_, err := c.StartTest(ctx, "s1", jwo.MethodIdentity, "", NewIdempotencyKey())
			return err
		}, true},
		{"PUT without precondition", func(c *Client) error {
			_, _, err := c.PutConnector(ctx, "s1", jwo.MethodOrdering, in, Precondition{})
			return err
		}, false},
		{"PUT with If-Match", func(c *Client) error {
			_, _, err := c.PutConnector(ctx, "s1", jwo.MethodOrdering, in, Precondition{IfMatchVersion: 2})
			return err
		}, true},
		{"PUT with If-None-Match", func(c *Client) error {
			_, _, err := c.PutConnector(ctx, "s1", jwo.MethodOrdering, in, Precondition{IfNoneMatch: true})
			return err
		}, true},
		{"DELETE without precondition", func(c *Client) error {
			return c.DeleteConnector(ctx, "s1", jwo.MethodOrdering, Precondition{})
		}, false},
		{"DELETE with If-Match", func(c *Client) error {
			return c.DeleteConnector(ctx, "s1", jwo.MethodOrdering, Precondition{IfMatchVersion: 2})
		}, true},
		{"PATCH", func(c *Client) error {
			name := "x"
			_, err := c.UpdateStore(ctx, "s1", jwo.StorePatch{Name: &name})
			return err
		}, false},
		{"PUT catalog item", func(c *Client) error {
			_, err := c.PutCatalogItem(ctx, "s1", "SKU", jwo.CatalogItemInput{})
			return err
		}, false},
	}
	ok := func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, http.StatusOK, sampleConnector) }
	faults := []struct {
		name    string
		handler func(http.ResponseWriter, *http.Request, int)
		refusal bool // the portal did nothing, so any request may be sent again
	}{
		{"503 with Retry-After", failThen(2, http.StatusServiceUnavailable, "0"), true},
		{"bare 503", failThen(2, http.StatusServiceUnavailable, ""), false},
		{"429", failThen(2, http.StatusTooManyRequests, "0"), true},
		{"502", failThen(2, http.StatusBadGateway, ""), false},
		{"504", failThen(2, http.StatusGatewayTimeout, ""), false},
		{"answer lost", dropThen(2, ok), false},
	}
	for _, fault := range faults {
		for _, tt := range calls {
			t.Run(fault.name+"/"+tt.name, func(t *testing.T) {
				f := newFake(t, fault.handler)
				c := newTestClient(t, f.URL)
				err := tt.call(c)
				want := 1
				if fault.refusal || tt.repeatable {
					want = 3 // two faults, then the answer
				}
				if n := f.count(); n != want {
					t.Errorf("%d requests, want %d", n, want)
				}
				if want == 3 && err != nil {
					t.Errorf("err = %v, want success after retries", err)
				}
				if want == 1 && err == nil {
					t.Errorf("no error: the first fault must be reported, not retried")
				}
				// Every attempt carries the same body and headers.
				reqs := f.requests()
				for _, r := range reqs[1:] {
					if r.Body != reqs[0].Body || r.Header.Get("If-Match") != reqs[0].Header.Get("If-Match") ||
						r.Header.Get("If-None-Match") != reqs[0].Header.Get("If-None-Match") ||
						r.Header.Get("Idempotency-Key") != reqs[0].Header.Get("Idempotency-Key") {
						t.Errorf("retry differs from the first attempt: %+v vs %+v", r, reqs[0])
					}
				}
			})
		}
	}
}

func TestAnswerLostMarksAPreconditionFailureThatMayBeOurOwn(t *testing.T) {
	ctx := context.Background()
	in := jwo.ConnectorInput{EndpointURL: "https://api.example.com", EndpointType: jwo.EndpointPublic}
	precondition := func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeProblem(w, http.StatusPreconditionFailed, "the connector exists")
	}
	tests := []struct {
		name    string
		handler func(http.ResponseWriter, *http.Request, int)
		lost    bool
	}{
		{"412 at once", precondition, false},
		{"412 after a 503 with Retry-After", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				writeProblem(w, http.StatusServiceUnavailable, "busy")
				return
			}
			precondition(w, r, n)
		}, false},
		{"412 after a bare 503", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				writeProblem(w, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers")
				return
			}
			precondition(w, r, n)
		}, true},
		{"412 after a lost answer", dropThen(1, precondition), true},
		{"412 after a 504", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				writeProblem(w, http.StatusGatewayTimeout, "upstream timed out")
				return
			}
			precondition(w, r, n)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.handler)
			c := newTestClient(t, f.URL)
			_, _, err := c.PutConnector(ctx, "s1", jwo.MethodOrdering, in, Precondition{IfNoneMatch: true})
			if !IsPreconditionFailed(err) {
				t.Fatalf("err = %v, want the 412", err)
			}
			if got := AnswerLost(err); got != tt.lost {
				t.Errorf("AnswerLost = %v, want %v (%v)", got, tt.lost, err)
			}
		})
	}
	if AnswerLost(nil) || AnswerLost(errors.New("dial tcp: refused")) {
		t.Error("AnswerLost of a nil or transport error must be false")
	}
}

func TestRetriesAreBounded(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeProblem(w, http.StatusServiceUnavailable, "down for maintenance")
	})
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.GetStore(context.Background(), "s1")
	if n := f.count(); n != 3 {
		t.Errorf("%d requests, want MaxRetries+1 = 3", n)
	}
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok || apiErr.StatusCode != 503 || apiErr.Attempts != 3 {
		t.Fatalf("err = %#v, want the last 503 as *APIError", err)
	}
	want := "GET /v1/stores/s1: 503 Service Unavailable: down for maintenance (after 3 attempts)"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

func TestZeroMaxRetriesMeansOneAttempt(t *testing.T) {
	f := newFake(t, failThen(5, http.StatusServiceUnavailable, ""))
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
	if _, err := c.GetStore(context.Background(), "s1"); StatusCode(err) != 503 {
		t.Fatalf("err = %v", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// closedPort is a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// logRecorder collects what the Logger hook sees.
type logRecorder struct {
	mu   sync.Mutex
	recs []RequestLog
}

func (l *logRecorder) log(_ context.Context, rec RequestLog) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, rec)
}

func (l *logRecorder) records() []RequestLog {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]RequestLog(nil), l.recs...)
}

func TestConnectionRefusedIsRetriedThenReported(t *testing.T) {
	var logs logRecorder
	c := newTestClient(t, closedPort(t), func(cfg *Config) {
		cfg.MaxRetries = 2
		cfg.Logger = logs.log
	})
	_, err := c.GetStore(context.Background(), "s1")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want it to wrap ECONNREFUSED", err)
	}
	if StatusCode(err) != 0 {
		t.Errorf("a transport error is not an API error: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "GET /v1/stores/s1: ") || !strings.HasSuffix(err.Error(), "(after 3 attempts)") {
		t.Errorf("Error() = %q", err)
	}
	recs := logs.records()
	if len(recs) != 3 {
		t.Fatalf("%d attempts logged, want 3", len(recs))
	}
	for i, rec := range recs {
		if rec.Attempt != i+1 || rec.Status != 0 || rec.Err == nil {
			t.Errorf("log %d = %+v", i, rec)
		}
	}
}

func TestTLSErrorIsNotRetried(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	var logs logRecorder
	// The default transport does not trust the test server's certificate.
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = logs.log })
	err := c.Health(context.Background())
	if err == nil {
		t.Fatal("no error from an untrusted certificate")
	}
	if n := len(logs.records()); n != 1 {
		t.Errorf("%d attempts, want 1: a certificate does not get better by asking again (%v)", n, err)
	}
}

func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		writeJSON(w, http.StatusOK, sampleStore)
	})
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond })
	if _, err := c.GetStore(context.Background(), "s1"); err != nil {
		t.Fatalf("GetStore: %v", err)
	}
	if n := f.count(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestContextCancelStopsRetryingPromptly(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeProblem(w, http.StatusServiceUnavailable, "down")
	})
	c := newTestClient(t, f.URL, func(cfg *Config) {
		cfg.RetryWaitMin, cfg.RetryWaitMax = 10*time.Second, 10*time.Second
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetStore(ctx, "s1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v after cancel", elapsed)
	}
	if n := f.count(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestDeadlineShorterThanTheWaitReturnsTheLastAnswer(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeProblem(w, http.StatusServiceUnavailable, "down")
	})
	c := newTestClient(t, f.URL, func(cfg *Config) {
		cfg.RetryWaitMin, cfg.RetryWaitMax = 10*time.Second, 10*time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetStore(ctx, "s1")
	if StatusCode(err) != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the 503 rather than a bare deadline error", err)
	}
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("took %v: waiting past the deadline is pointless", elapsed)
	}
}

func TestLoggerSeesEveryAttemptWithoutTheToken(t *testing.T) {
	var logs logRecorder
	f := newFake(t, failThen(2, http.StatusServiceUnavailable, ""))
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.Logger = logs.log })
	if _, err := c.GetConnector(context.Background(), "s1", jwo.MethodOrdering); err != nil {
		t.Fatal(err)
	}
	// Failures too: an error answer that echoes the token, and a dead port.
	f401 := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeProblem(w, 401, "bad token "+r.Header.Get("Authorization"))
	})
	c401 := newTestClient(t, f401.URL, func(cfg *Config) { cfg.Logger = logs.log })
	_, err401 := c401.GetStore(context.Background(), "s1")
	cDead := newTestClient(t, closedPort(t), func(cfg *Config) { cfg.Logger = logs.log; cfg.MaxRetries = 1 })
	_, errDead := cDead.GetStore(context.Background(), "s1")

	recs := logs.records()
	if len(recs) != 3+1+2 {
		t.Fatalf("%d records, want 6", len(recs))
	}
	for i, want := range []int{503, 503, 200} {
		rec := recs[i]
		if rec.Attempt != i+1 || rec.Status != want || rec.Method != "GET" ||
			rec.URL != f.URL+"/v1/stores/s1/connectors/ordering" || rec.Duration <= 0 {
			t.Errorf("record %d = %+v", i, rec)
		}
		if got := rec.Header.Get("Authorization"); got != "Bearer <redacted>" {
			t.Errorf("record %d Authorization = %q", i, got)
		}
		if rec.Header.Get("User-Agent") == "" {
			t.Errorf("record %d lacks the other headers", i)
		}
	}
	all := fmt.Sprintf("%+v %#v %v %v", recs, recs, err401, errDead)
	if strings.Contains(all, testToken) {
		t.Errorf("the token appears in logs or errors:\n%s", all)
	}
	// The requests themselves still carried it.
	if got := f.requests()[0].Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("the request lost its token: %q", got)
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	c := &Client{retryWaitMin: 100 * time.Millisecond, retryWaitMax: time.Second}
	for attempt := 1; attempt <= 40; attempt++ {
		for range 20 {
			w := c.jitteredBackoff(attempt)
			if w < c.retryWaitMin || w > c.retryWaitMax {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, w, c.retryWaitMin, c.retryWaitMax)
			}
		}
	}
	// It grows: by the fifth attempt the fixed half alone exceeds the minimum.
	if w := c.jitteredBackoff(5); w < 500*time.Millisecond {
		t.Errorf("attempt 5 waits %v, want at least 500ms", w)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	future := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		status   int
		value    string
		ok       bool
		min, max time.Duration
	}{
		{429, "2", true, 2 * time.Second, 2 * time.Second},
		{503, "0", true, 0, 0},
		{503, future, true, 500 * time.Millisecond, 2 * time.Second},
		{429, past, true, 0, 0},
		{429, "-1", false, 0, 0},
		{429, "soon", false, 0, 0},
		{429, "", false, 0, 0},
		{502, "2", false, 0, 0}, // only 429 and 503 carry a meaningful Retry-After
		{429, "99999999999", true, time.Hour, time.Hour},
	}
	for _, tt := range tests {
		resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
		if tt.value != "" {
			resp.Header.Set("Retry-After", tt.value)
		}
		got, ok := retryAfter(resp)
		if ok != tt.ok || got < tt.min || got > tt.max {
			t.Errorf("%d Retry-After %q = %v, %v; want %v in [%v, %v]", tt.status, tt.value, got, ok, tt.ok, tt.min, tt.max)
		}
	}
}

// Each failure of a repeatable request waits the backoff of its own rank:
// the first retry the minimum, then within [base/2, base] of a base that
// doubles per retry.
func TestRetryWaitsGrowWithEachFailure(t *testing.T) {
	c := &Client{retryWaitMin: 10 * time.Millisecond, retryWaitMax: 10 * time.Second, maxRetries: 6}
	cl := c.newCall(http.MethodGet, "/v1/stores", true)
	base := c.retryWaitMin
	for retry := 1; retry <= 6; retry++ {
		resp := &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}}
		again, err := cl.checkRetry(context.Background(), resp, nil)
		if err != nil || !again {
			t.Fatalf("retry %d: checkRetry = %v, %v; want another attempt", retry, again, err)
		}
		if lo := max(base/2, c.retryWaitMin); cl.wait < lo || cl.wait > base {
			t.Fatalf("retry %d waits %v, want within [%v, %v]", retry, cl.wait, lo, base)
		}
		base *= 2
	}
	resp := &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}}
	if again, _ := cl.checkRetry(context.Background(), resp, nil); again {
		t.Error("a seventh retry was allowed with MaxRetries 6")
	}
}
