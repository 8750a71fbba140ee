package tester

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// sample is the sample connector, which passes every case, wrapped so that
// a test can make one call of the suite misbehave.
type sample struct {
	conn  *connector.Connector
	calls atomic.Int64
	// misbehave, when set, answers call n (1-based) instead of the sample;
	// it returns false to let the sample answer.
	misbehave func(n int64, w http.ResponseWriter, r *http.Request) bool
	mu        sync.Mutex
	paths     []string
}

func (s *sample) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.calls.Add(1)
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.Path)
	s.mu.Unlock()
	if s.misbehave != nil && s.misbehave(n, w, r) {
		return
	}
	s.conn.ServeHTTP(w, r)
}

func serveSample(t *testing.T, misbehave func(n int64, w http.ResponseWriter, r *http.Request) bool) (*sample, string) {
	t.Helper()
	s := &sample{conn: connector.New(connector.Options{}), misbehave: misbehave}
	t.Cleanup(s.conn.Close)
	return s, serve(t, s).URL
}

func identitySuite(url string) SuiteCall {
	return SuiteCall{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: url, EndpointType: jwo.EndpointPublic}
}

func caseStatuses(res SuiteResult) []jwo.CaseStatus {
	out := make([]jwo.CaseStatus, len(res.Cases))
	for i, c := range res.Cases {
		out[i] = c.Status
	}
	return out
}

func TestRunSuitePassesTheSampleConnector(t *testing.T) {
	t.Parallel()
	s, url := serveSample(t, nil)
	tt, _ := newTester(t, Options{Dev: true})
	var heard []string
	call := SuiteCall{Method: jwo.MethodOrdering, StoreID: storeID, SKU: "WATER-500", EndpointURL: url + "/", OnCase: func(c CaseResult) { heard = append(heard, c.ID) }}

	res := tt.RunSuite(context.Background(), call)

	if res.Status != jwo.TestSuccessful || res.Reason != jwo.ReasonNone || !strings.HasPrefix(res.Message, "Every required case passed (9 of 9") {
		t.Fatalf("RunSuite = %s %s %q", res.Status, res.Reason, res.Message)
	}
	if !slicesEqual(heard, jwo.CaseIDs()[7:16]) || len(res.Cases) != 9 {
		t.Errorf("OnCase heard %v, want the ORDERING cases in order", heard)
	}
	for _, c := range res.Cases {
		if c.Status != jwo.CasePassed || c.Observed == "" || c.Expected == "" || c.HTTPStatus == 0 || c.ResponseExcerpt == "" || c.Title == "" {
			t.Errorf("case %+v", c)
		}
	}
	if res.HTTPStatus != 400 || res.Latency <= 0 {
		t.Errorf("HTTPStatus = %d (want the last case's 400), latency %s", res.HTTPStatus, res.Latency)
	}
	if n := s.calls.Load(); n != 9 {
		t.Errorf("the connector saw %d calls, want one per case", n)
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// A connector that hangs on the second case fails that case with a timeout
// and the suite goes on with the others, each under its own timeout.
func TestRunSuiteAConnectorThatHangsOnTheSecondCase(t *testing.T) {
	t.Parallel()
	s, url := serveSample(t, func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n != 2 {
			return false
		}
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
		return true
	})
	tt, _ := newTester(t, Options{Dev: true, Timeout: 300 * time.Millisecond})

	start := time.Now()
	res := tt.RunSuite(context.Background(), identitySuite(url))

	want := []jwo.CaseStatus{jwo.CasePassed, jwo.CaseFailed, jwo.CasePassed, jwo.CasePassed}
	if got := caseStatuses(res); !equalStatuses(got, want) {
		t.Fatalf("cases %v, want %v", got, want)
	}
	hung := res.Cases[1]
	if !strings.HasPrefix(hung.Observed, "no answer: No answer from 127.0.0.1:") || !strings.HasSuffix(hung.Observed, "within 300ms.") || hung.HTTPStatus != 0 || hung.LatencyMS < 300 {
		t.Errorf("hung case %+v", hung)
	}
	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonConformance || !strings.Contains(res.Message, "identity.unknown_fields_ignored (FAILED)") {
		t.Errorf("RunSuite = %s %s %q", res.Status, res.Reason, res.Message)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second || s.calls.Load() != 4 {
		t.Errorf("suite took %s and %d calls", elapsed, s.calls.Load())
	}
}

func hangUp(w http.ResponseWriter) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		_ = conn.Close()
	}
}

func TestRunSuiteAConnectorThatClosesTheConnection(t *testing.T) {
	t.Parallel()
	t.Run("on one case", func(t *testing.T) {
		t.Parallel()
		_, url := serveSample(t, func(n int64, w http.ResponseWriter, _ *http.Request) bool {
			if n == 3 {
				hangUp(w)
				return true
			}
			return false
		})
		tt, _ := newTester(t, Options{Dev: true})
		res := tt.RunSuite(context.Background(), identitySuite(url))
		if got, want := caseStatuses(res), []jwo.CaseStatus{jwo.CasePassed, jwo.CasePassed, jwo.CaseFailed, jwo.CasePassed}; !equalStatuses(got, want) {
			t.Fatalf("cases %v, want %v", got, want)
		}
		if obs := res.Cases[2].Observed; !strings.HasPrefix(obs, "no answer: The connection to 127.0.0.1:") || !strings.HasSuffix(obs, "closed before the connector answered.") {
			t.Errorf("observed %q", obs)
		}
		if res.Reason != jwo.ReasonConformance {
			t.Errorf("reason %s", res.Reason)
		}
	})
	t.Run("on every case", func(t *testing.T) {
		t.Parallel()
		s, url := serveSample(t, func(_ int64, w http.ResponseWriter, _ *http.Request) bool { hangUp(w); return true })
		tt, _ := newTester(t, Options{Dev: true})
		res := tt.RunSuite(context.Background(), identitySuite(url))
		requireStoppedAfterOne(t, res, jwo.ReasonConnect)
		if n := s.calls.Load(); n != 1 {
			t.Errorf("the connector saw %d calls, want 1", n)
		}
	})
}

// requireStoppedAfterOne: the first case failed with the transport reason,
// the suite stopped and every other case is SKIPPED.
func requireStoppedAfterOne(t *testing.T, res SuiteResult, reason jwo.FailureReason) {
	t.Helper()
	if res.Status != jwo.TestUnsuccessful || res.Reason != reason || !strings.HasSuffix(res.Message, "The suite stopped after 1 of 4 cases.") {
		t.Errorf("RunSuite = %s %s %q, want %s after one case", res.Status, res.Reason, res.Message, reason)
	}
	if got, want := caseStatuses(res), []jwo.CaseStatus{jwo.CaseFailed, jwo.CaseSkipped, jwo.CaseSkipped, jwo.CaseSkipped}; !equalStatuses(got, want) {
		t.Fatalf("cases %v, want %v", got, want)
	}
	if !strings.HasPrefix(res.Cases[0].Observed, "no answer: ") {
		t.Errorf("first case observed %q", res.Cases[0].Observed)
	}
	for _, c := range res.Cases[1:] {
		if c.Observed != "not sent: the first case could not reach the endpoint" || c.HTTPStatus != 0 {
			t.Errorf("skipped case %+v", c)
		}
	}
}

func equalStatuses(a, b []jwo.CaseStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRunSuiteCapsA1MiBAnswer(t *testing.T) {
	t.Parallel()
	huge := `{"visitorDetails":{"id":"v-1","type":"SHOPPER"},"pad":"` + strings.Repeat("x", 1<<20) + `"}`
	_, url := serveSample(t, func(_ int64, w http.ResponseWriter, _ *http.Request) bool {
		answering(200, huge)(w, nil)
		return true
	})
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.RunSuite(context.Background(), identitySuite(url))

	first := res.Cases[0]
	if first.Status != jwo.CaseFailed || first.Observed != "200 with a body larger than 1 MiB" || len(first.ResponseExcerpt) > excerptBytes {
		t.Errorf("first case %+v", first)
	}
	if res.Reason != jwo.ReasonConformance || len(res.ResponseExcerpt) > excerptBytes || res.HTTPStatus != 200 {
		t.Errorf("RunSuite = %s %q, excerpt of %d bytes", res.Reason, res.Message, len(res.ResponseExcerpt))
	}
}

func TestRunSuiteFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/elsewhere/", func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1); answering(200, `{}`)(w, r) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere"+r.URL.Path, http.StatusFound)
	})
	url := serve(t, mux).URL
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.RunSuite(context.Background(), identitySuite(url))

	if res.Cases[0].Status != jwo.CaseFailed || res.Cases[0].Observed != "302 Found with an empty body (200 is expected)" {
		t.Errorf("first case %+v", res.Cases[0])
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect target was called %d times", n)
	}
	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonConformance || res.HTTPStatus != 302 {
		t.Errorf("RunSuite = %s %s %d", res.Status, res.Reason, res.HTTPStatus)
	}
}

func TestRunSuiteAConnectorThatAnswersHTML(t *testing.T) {
	t.Parallel()
	page := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	_, url := serveSample(t, func(_ int64, w http.ResponseWriter, _ *http.Request) bool {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, page)
		return true
	})
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.RunSuite(context.Background(), identitySuite(url))

	want := `200 with a body that is not JSON ("<html><body><h1>502 Bad Gateway</h1></body></html>")`
	if c := res.Cases[0]; c.Status != jwo.CaseFailed || c.Observed != want || c.ResponseExcerpt != page {
		t.Errorf("first case %+v", c)
	}
	if res.Reason != jwo.ReasonConformance || !strings.Contains(res.Message, "identity.answer (FAILED)") {
		t.Errorf("RunSuite = %s %q", res.Reason, res.Message)
	}
}

func TestRunSuiteAnUnreachableEndpointEndsAfterOneCase(t *testing.T) {
	t.Parallel()
	t.Run("connect", func(t *testing.T) {
		t.Parallel()
		tt, dials := newTester(t, Options{Dev: true})
		res := tt.RunSuite(context.Background(), identitySuite("http://"+closedPort(t)))
		requireStoppedAfterOne(t, res, jwo.ReasonConnect)
		if n := len(dials.addrs()); n != 1 {
			t.Errorf("dialed %d times, want 1", n)
		}
	})
	t.Run("dns", func(t *testing.T) {
		t.Parallel()
		resolver := &fakeResolver{}
		tt, _ := newTester(t, Options{Dev: true, Resolver: resolver})
		res := tt.RunSuite(context.Background(), identitySuite("https://nowhere.example.com"))
		requireStoppedAfterOne(t, res, jwo.ReasonDNS)
		if n := resolver.calls.Load(); n != 1 {
			t.Errorf("looked up %d times, want 1", n)
		}
	})
	t.Run("tls", func(t *testing.T) {
		t.Parallel()
		srv := serveTLS(t, &recorder{reply: answering(200, `{}`)})
		tt, _ := newTester(t, Options{Dev: true})
		requireStoppedAfterOne(t, tt.RunSuite(context.Background(), identitySuite(srv.URL)), jwo.ReasonTLS)
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		_, url := serveSample(t, func(_ int64, w http.ResponseWriter, r *http.Request) bool {
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
			return true
		})
		tt, _ := newTester(t, Options{Dev: true, Timeout: 100 * time.Millisecond})
		requireStoppedAfterOne(t, tt.RunSuite(context.Background(), identitySuite(url)), jwo.ReasonTimeout)
	})
	t.Run("no URL", func(t *testing.T) {
		t.Parallel()
		tt, _ := newTester(t, Options{Dev: true})
		res := tt.RunSuite(context.Background(), identitySuite(" "))
		if res.Reason != jwo.ReasonConnect || !strings.HasPrefix(res.Message, "No call was made: the connector has no endpoint URL.") || res.Cases[1].Status != jwo.CaseSkipped {
			t.Errorf("RunSuite = %s %q %v", res.Reason, res.Message, caseStatuses(res))
		}
	})
}

// The suite's calls go through the same egress decision as a connectivity
// call: a production tester refuses the loopback connector at its first case
// without a connection, and a name that resolves to a private address is
// refused before any dial.
func TestRunSuiteIsRefusedTheSameEgress(t *testing.T) {
	t.Parallel()
	ln := listenCounting(t, "tcp", "127.0.0.1:0")
	tt, dials := newTester(t, Options{Resolver: resolveTo("connector.example.com", "10.1.2.3")})

	// A literal address is refused as such; a name that resolves only to
	// refused addresses reads like one that does not resolve (the tenant
	// must not learn the portal's DNS), and the log's detail says which.
	for url, reason := range map[string]jwo.FailureReason{ln.ln.Addr().String(): jwo.ReasonConnect, "connector.example.com": jwo.ReasonDNS} {
		res := tt.RunSuite(context.Background(), identitySuite("https://"+url))
		requireStoppedAfterOne(t, res, reason)
		if !strings.Contains(res.Message, "egress policy") || !strings.Contains(res.Detail, "egress policy refused") || strings.Contains(res.Message, "10.1.2.3") {
			t.Errorf("%s: message %q, detail %q; want the egress policy named, the address in the detail only", url, res.Message, res.Detail)
		}
	}
	if got := dials.addrs(); len(got) != 0 {
		t.Errorf("dialed %v, want nothing", got)
	}
	if n := ln.accepted.Load(); n != 0 {
		t.Errorf("the listener accepted %d connections", n)
	}
}

func TestRunSuiteStopsWhenTheCallerCancels(t *testing.T) {
	t.Parallel()
	s, url := serveSample(t, nil)
	tt, _ := newTester(t, Options{Dev: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	call := identitySuite(url)
	call.OnCase = func(CaseResult) { cancel() }

	res := tt.RunSuite(ctx, call)

	if got, want := caseStatuses(res), []jwo.CaseStatus{jwo.CasePassed, jwo.CaseFailed, jwo.CaseSkipped, jwo.CaseSkipped}; !equalStatuses(got, want) {
		t.Fatalf("cases %v, want %v", got, want)
	}
	if res.Reason != jwo.ReasonInterrupted || res.Cases[3].Observed != "not sent: the run was cancelled" || !strings.HasSuffix(res.Message, "The suite stopped after 2 of 4 cases.") {
		t.Errorf("RunSuite = %s %q, last case %q", res.Reason, res.Message, res.Cases[3].Observed)
	}
	if n := s.calls.Load(); n > 1 {
		t.Errorf("the connector saw %d calls after the cancel", n)
	}
}

func TestRunSuiteACaseWhoseBodyIsCutOff(t *testing.T) {
	t.Parallel()
	_, url := serveSample(t, func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n != 1 {
			return false
		}
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"visitorDetails":`)
		w.(http.Flusher).Flush()
		hangUp(w)
		return true
	})
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.RunSuite(context.Background(), identitySuite(url))

	if c := res.Cases[0]; c.Status != jwo.CaseFailed || !strings.HasPrefix(c.Observed, "The connector answered 200 OK but the body was cut off") || c.HTTPStatus != 200 {
		t.Errorf("first case %+v", c)
	}
	if res.Cases[1].Status != jwo.CasePassed {
		t.Errorf("the suite did not go on: %v", caseStatuses(res))
	}
}

// The retry resends the first purchase byte for byte, and is not sent at all
// when there was no purchase to retry.
func TestRunSuiteTheRetryResendsTheFirstPurchase(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: answering(201, `{"purchaseId":"p-1"}`)}
	url := serve(t, rec).URL
	tt, _ := newTester(t, Options{Dev: true})

	tt.RunSuite(context.Background(), SuiteCall{Method: jwo.MethodOrdering, StoreID: storeID, SKU: "WATER-500", EndpointURL: url})

	seen := rec.seen()
	if len(seen) != 9 || string(seen[0].body) != string(seen[1].body) || string(seen[2].body) == string(seen[0].body) {
		t.Fatalf("saw %d requests; the retry must repeat the first exactly and the next case must not", len(seen))
	}
	var first jwo.OrderingRequest
	if err := json.Unmarshal(seen[0].body, &first); err != nil || !strings.HasPrefix(first.IdempotentShoppingTripID, "jwo-conformance-") || first.CartItems[0].ID != "WATER-500" {
		t.Errorf("first purchase %s (%v)", seen[0].body, err)
	}
	requireUUID(t, "requestId", first.RequestID)

	refusing := serve(t, &recorder{reply: answering(500, `{}`)}).URL
	res := tt.RunSuite(context.Background(), SuiteCall{Method: jwo.MethodOrdering, StoreID: storeID, SKU: "WATER-500", EndpointURL: refusing})
	if c := res.Cases[1]; c.Status != jwo.CaseSkipped || !strings.HasPrefix(c.Observed, "not sent: ordering.purchase gave no purchaseId") {
		t.Errorf("retry after a failed purchase: %+v", c)
	}
	if !strings.Contains(res.Message, "ordering.retry_is_idempotent (SKIPPED)") || res.HTTPStatus != 500 {
		t.Errorf("RunSuite = %q, status %d", res.Message, res.HTTPStatus)
	}
}

func TestRunSuiteOfAnUnknownMethod(t *testing.T) {
	t.Parallel()
	tt, _ := newTester(t, Options{Dev: true})
	res := tt.RunSuite(nil, SuiteCall{Method: "NOPE", EndpointURL: "http://127.0.0.1:1"}) //nolint:staticcheck // a nil context is tolerated, like Run's
	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonConnect || len(res.Cases) != 0 || res.Message != `No call was made: "NOPE" is not a connector method.` {
		t.Errorf("RunSuite = %+v", res)
	}
}
