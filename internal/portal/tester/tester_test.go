package tester

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const storeID = "acme-sea-01"

func decodeStrict(t *testing.T, body []byte, into any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("body %s does not decode into %T: %v", body, into, err)
	}
}

func requireUUID(t *testing.T, field, v string) {
	t.Helper()
	if _, err := uuid.Parse(v); err != nil {
		t.Errorf("%s = %q, want a UUID", field, v)
	}
}

func TestRunSucceedsForEachMethod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method jwo.Method
		status int
		reply  string
		check  func(t *testing.T, body []byte)
	}{
		{jwo.MethodIdentity, 200, `{"visitorDetails":{"id":"v-1","type":"SHOPPER"}}`, func(t *testing.T, body []byte) {
			var req jwo.IdentityRequest
			decodeStrict(t, body, &req)
			if req.StoreID != storeID || req.IdentityKey == "" || req.KeyChannel != "OPTICAL" {
				t.Errorf("identity request = %+v", req)
			}
			requireUUID(t, "requestId", req.RequestID)
		}},
		{jwo.MethodLoyalty, 200, `{"resolution":"NONE","scanResult":{"id":"","type":""}}`, func(t *testing.T, body []byte) {
			var req jwo.LoyaltyRequest
			decodeStrict(t, body, &req)
			if req.StoreID != storeID || req.ScanEvent.Value == "" {
				t.Errorf("loyalty request = %+v", req)
			}
			requireUUID(t, "requestId", req.RequestID)
		}},
		{jwo.MethodOrdering, 201, `{"purchaseId":"p-1"}`, func(t *testing.T, body []byte) {
			var req jwo.OrderingRequest
			decodeStrict(t, body, &req)
			if req.StoreID != storeID {
				t.Errorf("storeId = %q, want %q", req.StoreID, storeID)
			}
			requireUUID(t, "idempotentShoppingTripId", req.IdempotentShoppingTripID)
			if len(req.CartItems) != 1 || req.CartItems[0].ID != "WATER-500" || req.CartItems[0].Type != "SKU" {
				t.Errorf("cartItems = %+v, want one SKU item WATER-500", req.CartItems)
			}
		}},
		{jwo.MethodFraudAndAbuse, 200, `{"shopperAuthorized":true,"authorizationConditions":[],"shopperRisks":[]}`, func(t *testing.T, body []byte) {
			var req jwo.FraudAndAbuseRequest
			decodeStrict(t, body, &req)
			if req.StoreID != storeID || req.ShopperIdentity.ID == "" {
				t.Errorf("fraud and abuse request = %+v", req)
			}
			requireUUID(t, "shopperInteraction.shoppingTripId", req.ShopperInteraction.ShoppingTripID)
			if r := req.ShopperInteraction.Recommendation; !r.ShopperAuthorized || req.AuthorizedAmount.CurrencyCode != "USD" {
				t.Errorf("fraud and abuse recommendation %+v, amount %+v", r, req.AuthorizedAmount)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(string(tc.method), func(t *testing.T) {
			t.Parallel()
			rec := &recorder{reply: answering(tc.status, tc.reply)}
			srv := serve(t, rec)
			tt, _ := newTester(t, Options{Dev: true})

			res := tt.Run(context.Background(), Call{Method: tc.method, StoreID: storeID, SKU: "WATER-500", EndpointURL: srv.URL + "/prod/", EndpointType: jwo.EndpointPublic})

			if res.Status != jwo.TestSuccessful || res.Reason != jwo.ReasonNone {
				t.Fatalf("Run = %+v, want SUCCESSFUL", res)
			}
			if res.HTTPStatus != tc.status || res.ResponseExcerpt != tc.reply || res.Latency <= 0 || res.Message == "" {
				t.Errorf("Run = %+v, want status %d, the reply as excerpt, a latency and a message", res, tc.status)
			}
			seen := rec.seen()
			if len(seen) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(seen))
			}
			got := seen[0]
			if want := "/prod" + tc.method.CallPath(); got.method != http.MethodPost || got.path != want {
				t.Errorf("server saw %s %s, want POST %s", got.method, got.path, want)
			}
			for name, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json", "User-Agent": userAgent} {
				if v := got.header.Get(name); v != want {
					t.Errorf("%s = %q, want %q", name, v, want)
				}
			}
			tc.check(t, got.body)
		})
	}
}

func TestRunCountsABusinessNoAsSuccess(t *testing.T) {
	t.Parallel()
	srv := serve(t, &recorder{reply: answering(200, `{"shopperAuthorized":false,"shopperRisks":["HIGH_RISK"]}`)})
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodFraudAndAbuse, StoreID: storeID, EndpointURL: srv.URL})

	if res.Status != jwo.TestSuccessful {
		t.Errorf("Run = %+v, want SUCCESSFUL", res)
	}
}

func TestRunGivesAnyNonSuccessStatusAsHTTPStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		hint   string
	}{
		{403, "IAM resource policy"},
		{404, "404 Not Found"},
		{500, "500 Internal Server Error"},
		{503, "2xx"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			srv := serve(t, &recorder{reply: answering(tc.status, `{"message":"no"}`)})
			tt, _ := newTester(t, Options{Dev: true})

			res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

			if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonHTTPStatus || res.HTTPStatus != tc.status {
				t.Fatalf("Run = %+v, want UNSUCCESSFUL http_status %d", res, tc.status)
			}
			if !strings.Contains(res.Message, tc.hint) || res.ResponseExcerpt != `{"message":"no"}` {
				t.Errorf("Run = %+v, want a message with %q and the body as excerpt", res, tc.hint)
			}
		})
	}
}

func TestRunNamesTheVPCEndpointFor403OnAPrivateEndpoint(t *testing.T) {
	t.Parallel()
	srv := serve(t, &recorder{reply: answering(403, `{"Message":"Forbidden"}`)})
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL, EndpointType: jwo.EndpointPrivate})

	if res.Reason != jwo.ReasonHTTPStatus || !strings.Contains(res.Message, "VPC endpoint") {
		t.Errorf("Run = %+v, want http_status naming the VPC endpoint", res)
	}
}

func TestRunDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	var targetHits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/elsewhere/", func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		answering(200, `{}`)(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere"+r.URL.Path, http.StatusFound)
	})
	srv := serve(t, mux)
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodLoyalty, StoreID: storeID, EndpointURL: srv.URL})

	if res.Reason != jwo.ReasonHTTPStatus || res.HTTPStatus != http.StatusFound {
		t.Errorf("Run = %+v, want http_status 302", res)
	}
	if !strings.Contains(res.Message, "/elsewhere/v1/identity/scan") {
		t.Errorf("message %q should name the redirect target", res.Message)
	}
	if n := targetHits.Load(); n != 0 {
		t.Errorf("the redirect target was called %d times, want 0", n)
	}
}

func TestRunTimesOutAndCancelsTheCall(t *testing.T) {
	t.Parallel()
	cancelled := make(chan struct{})
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server watches the connection for a hang-up only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
			close(cancelled)
		case <-time.After(5 * time.Second):
		}
	}))
	tt, _ := newTester(t, Options{Dev: true, Timeout: 150 * time.Millisecond})

	start := time.Now()
	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})
	elapsed := time.Since(start)

	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonTimeout || res.HTTPStatus != 0 {
		t.Errorf("Run = %+v, want UNSUCCESSFUL timeout", res)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Run took %s with a 150ms timeout", elapsed)
	}
	select {
	case <-cancelled:
	case <-time.After(2 * time.Second):
		t.Error("the handler never saw the call cancelled")
	}
}

func TestRunTimesOutWhileTheBodyIsSlow(t *testing.T) {
	t.Parallel()
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"visitorDetails":`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	tt, _ := newTester(t, Options{Dev: true, Timeout: 150 * time.Millisecond})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

	if res.Reason != jwo.ReasonTimeout || res.HTTPStatus != 200 || res.ResponseExcerpt != `{"visitorDetails":` {
		t.Errorf("Run = %+v, want timeout with status 200 and the partial body", res)
	}
}

func TestRunInterruptedWhenTheCallerCancels(t *testing.T) {
	t.Parallel()
	srv := serve(t, &recorder{reply: answering(200, `{}`)})
	tt, _ := newTester(t, Options{Dev: true})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	res := tt.Run(ctx, Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonInterrupted {
		t.Errorf("Run = %+v, want UNSUCCESSFUL interrupted", res)
	}
}

func TestRunGivesConnectWhenThePortIsClosed(t *testing.T) {
	t.Parallel()
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: "http://" + closedPort(t)})

	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonConnect || !strings.Contains(res.Message, "connection refused") {
		t.Errorf("Run = %+v, want connect with connection refused", res)
	}
}

func TestRunGivesConnectWhenTheServerHangsUp(t *testing.T) {
	t.Parallel()
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

	if res.Reason != jwo.ReasonConnect || res.HTTPStatus != 0 {
		t.Errorf("Run = %+v, want connect with no status", res)
	}
}

func TestRunGivesTLSForAnUntrustedCertificate(t *testing.T) {
	t.Parallel()
	srv := serveTLS(t, &recorder{reply: answering(200, `{}`)})
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonTLS || res.HTTPStatus != 0 {
		t.Errorf("Run = %+v, want UNSUCCESSFUL tls", res)
	}
}

func TestRunSucceedsOverTLSWithATrustedCertificate(t *testing.T) {
	t.Parallel()
	srv := serveTLS(t, &recorder{reply: answering(200, `{"visitorDetails":{"id":"v","type":"SHOPPER"}}`)})
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	tt, _ := newTester(t, Options{Dev: true, TLSConfig: &tls.Config{RootCAs: roots}})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

	if res.Status != jwo.TestSuccessful {
		t.Errorf("Run = %+v, want SUCCESSFUL", res)
	}
}

func TestRunGivesInvalidBodyForA2xxWithoutJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		method jwo.Method
		status int
		body   string
	}{
		{"html 200", jwo.MethodIdentity, 200, "<html>hello</html>"},
		{"empty 201 ordering", jwo.MethodOrdering, 201, ""},
		{"truncated json", jwo.MethodLoyalty, 200, `{"resolution":`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, &recorder{reply: answering(tc.status, tc.body)})
			tt, _ := newTester(t, Options{Dev: true})

			res := tt.Run(context.Background(), Call{Method: tc.method, StoreID: storeID, SKU: "WATER-500", EndpointURL: srv.URL})

			if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonInvalidBody || res.HTTPStatus != tc.status || res.ResponseExcerpt != tc.body {
				t.Errorf("Run = %+v, want invalid_body with status %d and excerpt %q", res, tc.status, tc.body)
			}
		})
	}
}

func TestRunGivesInvalidBodyBeyondOneMiB(t *testing.T) {
	t.Parallel()
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `["`+strings.Repeat("a", maxBody)+`"]`)
	}))
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

	if res.Reason != jwo.ReasonInvalidBody || !strings.Contains(res.Message, "1 MiB") || len(res.ResponseExcerpt) != excerptBytes {
		t.Errorf("Run = %+v, want invalid_body naming the 1 MiB cap", res)
	}
}

func TestRunKeepsACappedValidUTF8Excerpt(t *testing.T) {
	t.Parallel()
	body := append([]byte("erreur \xff\xfe "), bytes.Repeat([]byte("é"), 400)...)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		_, _ = w.Write(body)
	}))
	tt, _ := newTester(t, Options{Dev: true})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL})

	if res.Reason != jwo.ReasonHTTPStatus || res.HTTPStatus != 502 {
		t.Fatalf("Run = %+v, want http_status 502", res)
	}
	if !utf8.ValidString(res.ResponseExcerpt) || len(res.ResponseExcerpt) > excerptBytes || !strings.HasPrefix(res.ResponseExcerpt, "erreur \uFFFD\uFFFD é") {
		t.Errorf("excerpt %q (%d bytes) should be valid UTF-8, at most %d bytes, with invalid bytes replaced", res.ResponseExcerpt, len(res.ResponseExcerpt), excerptBytes)
	}
}

func TestRunResolvesHostNamesWithTheResolver(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: answering(200, `{}`)}
	srv := serve(t, rec)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	resolver := resolveTo("connector.example.test", "127.0.0.1")
	tt, dials := newTester(t, Options{Dev: true, Resolver: resolver})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: fmt.Sprintf("http://connector.example.test:%d", port)})

	if res.Status != jwo.TestSuccessful {
		t.Fatalf("Run = %+v, want SUCCESSFUL", res)
	}
	if seen := rec.seen(); len(seen) != 1 || seen[0].host != fmt.Sprintf("connector.example.test:%d", port) {
		t.Errorf("server saw %+v, want one request for host connector.example.test", seen)
	}
	if want := fmt.Sprintf("127.0.0.1:%d", port); len(dials.addrs()) != 1 || dials.addrs()[0] != want {
		t.Errorf("dialed %v, want only %s", dials.addrs(), want)
	}
}

func TestRunGivesDNSWhenTheLookupFails(t *testing.T) {
	t.Parallel()
	cases := map[string]*fakeResolver{
		"resolver error": {errs: map[string]error{"connector.example.test": errors.New("server misbehaving")}},
		"no such host":   {},
		"no addresses":   {hosts: map[string][]netip.Addr{"connector.example.test": nil}},
	}
	for name, resolver := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tt, dials := newTester(t, Options{Dev: true, Resolver: resolver})

			res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: "https://connector.example.test"})

			if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonDNS || !strings.Contains(res.Message, "connector.example.test") {
				t.Errorf("Run = %+v, want dns naming the host", res)
			}
			if len(dials.addrs()) != 0 {
				t.Errorf("dialed %v after a failed lookup", dials.addrs())
			}
		})
	}
}

func TestRunReusesConnectionsAcrossRuns(t *testing.T) {
	t.Parallel()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(&recorder{reply: answering(200, `{}`)})
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	tt, _ := newTester(t, Options{Dev: true})

	for range 3 {
		if res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: srv.URL}); res.Status != jwo.TestSuccessful {
			t.Fatalf("Run = %+v", res)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("3 runs opened %d connections, want 1 kept alive", n)
	}
}

func TestRunNeverPanicsOnBadInput(t *testing.T) {
	t.Parallel()
	cases := []Call{
		{Method: jwo.MethodIdentity, EndpointURL: ""},
		{Method: jwo.MethodIdentity, EndpointURL: "://nope"},
		{Method: jwo.MethodIdentity, EndpointURL: "ftp://127.0.0.1/"},
		{Method: jwo.MethodIdentity, EndpointURL: "https://"},
		{Method: jwo.MethodIdentity, EndpointURL: "https://127.0.0.1:99999"},
		{Method: jwo.MethodIdentity, EndpointURL: "https://[::1"},
		{Method: jwo.MethodIdentity, EndpointURL: "https://bad host name"},
		{Method: jwo.MethodIdentity, EndpointURL: "https://%zz"},
		{Method: "", EndpointURL: "https://127.0.0.1"},
		{Method: "PAYMENT", EndpointURL: "https://127.0.0.1"},
		{Method: jwo.MethodOrdering, EndpointURL: "https://connector.example.test\x00"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %q", c.Method, c.EndpointURL), func(t *testing.T) {
			t.Parallel()
			tt, _ := newTester(t, Options{Timeout: time.Second})

			res := tt.Run(context.Background(), c)

			if res.Status != jwo.TestUnsuccessful || (res.Reason != jwo.ReasonConnect && res.Reason != jwo.ReasonDNS) || res.Message == "" {
				t.Errorf("Run = %+v, want UNSUCCESSFUL connect or dns with a message", res)
			}
		})
	}
}
