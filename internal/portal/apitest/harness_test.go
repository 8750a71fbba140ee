// Package apitest is the Portal API suite: the real portal handler, served on
// loopback, driven through internal/client, with every answer checked against
// the OpenAPI document by an openapitest.Validator wrapped around the
// client's transport. A test fails if any answer it saw broke the contract,
// whatever the test itself asserted.
package apitest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi/openapitest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// The fixture is portaltest's: two merchants, whose store ids start with
// their merchant's id, so that a leak of Acme's into Globex's answers is
// easy to spot.
const (
	acme   = portaltest.Merchant
	globex = portaltest.OtherMerchant

	storeFull = portaltest.StoreJWO         // JWO; requires all four methods
	storeNone = portaltest.StoreNotRequired // JWO; requires nothing (NOT_REQUIRED)
	storeCart = portaltest.StoreDashCart    // DASH_CART; requires ORDERING only
	storeOurs = portaltest.StoreOther

	skuWater     = portaltest.SKU
	barcodeWater = portaltest.Barcode // UPC-A with a valid check digit
)

var acmeStores = portaltest.MerchantStores

// env is one portal of portaltest with every answer checked against the
// OpenAPI document.
type env struct {
	t   *testing.T
	tp  *portaltest.Portal
	db  string
	srv *httptest.Server
	v   *openapitest.Validator

	// Clients of the fixture's tokens. other is Globex's admin.
	viewer, operator, admin, other *client.Client
}

type envOption func(*portaltest.Setup)

// engine is the engine of the suite's current run: TestMain runs the whole
// suite once per engine.
var engine = portaltest.SQLite

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	v, err := openapitest.New()
	if err != nil {
		t.Fatal(err)
	}
	tp := portaltest.Start(t, portaltest.WithEngine(engine), func(s *portaltest.Setup) {
		s.Options.TestTimeout = 3 * time.Second
		for _, f := range opts {
			f(s)
		}
	})
	e := &env{t: t, tp: tp, db: tp.DB, srv: tp.Server, v: v}
	// Registered after the portal's, so it runs before the portal closes.
	t.Cleanup(func() { record(v.Seen()) })
	v.CheckAtCleanup(t)

	e.viewer = e.client(tp.ViewerToken)
	e.operator = e.client(tp.OperatorToken)
	e.admin = e.client(tp.AdminToken)
	e.other = e.client(tp.OtherAdminToken)
	return e
}

// token is the fixture's token of merchant with role; its name, the actor of
// audit events, is "merchant-role".
func (e *env) token(merchant string, role jwo.Role) string {
	e.t.Helper()
	return e.tp.Token(merchant, role)
}

// httpClient is what every client of the suite uses: the validating
// transport around a plain loopback transport.
func (e *env) httpClient(rec *recorder) *http.Client {
	rt := e.srv.Client().Transport
	if rec != nil {
		rt = rec.wrap(rt)
	}
	return &http.Client{Transport: e.v.Transport(rt)}
}

// client makes a client of the portal with this token. Retries are off, so
// that every answer a test asserts on is the first one.
func (e *env) client(token string, opts ...func(*client.Config)) *client.Client {
	e.t.Helper()
	return e.tp.Client(token, append([]func(*client.Config){func(cfg *client.Config) {
		cfg.HTTPClient = e.httpClient(nil)
		cfg.MaxRetries = 0
	}}, opts...)...)
}

// raw sends a request the client cannot make (no token, unknown fields, a
// huge body), still through the validating transport. token "" sends none.
func (e *env) raw(method, path, token string, body []byte, header ...string) (rawAnswer, []byte) {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.httpClient(nil).Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		e.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return rawAnswer{StatusCode: resp.StatusCode, Header: resp.Header}, b
}

// rawAnswer is what raw keeps of a response whose body it has read and closed.
type rawAnswer struct {
	StatusCode int
	Header     http.Header
}

// recorder keeps every exchange of one client, for the leak checks.
type recorder struct {
	mu        sync.Mutex
	exchanges []exchange
}

type exchange struct {
	method, url string
	status      int
	body        string
}

func (r *recorder) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		b, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if rerr != nil {
			return resp, rerr
		}
		r.mu.Lock()
		r.exchanges = append(r.exchanges, exchange{req.Method, req.URL.String(), resp.StatusCode, string(b)})
		r.mu.Unlock()
		return resp, nil
	})
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.exchanges...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// status is the HTTP status an error carries, 0 for success; a transport
// failure fails the test, since every call here should get an answer.
func status(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	code := client.StatusCode(err)
	if code == 0 {
		t.Fatalf("no answer: %v", err)
	}
	return code
}

// wantStatus fails unless err carries the given status (0: success).
func wantStatus(t *testing.T, err error, want int, what string) {
	t.Helper()
	if got := status(t, err); got != want {
		t.Errorf("%s: status %d, want %d (%v)", what, got, want, err)
	}
}

// fieldNamed reports whether a 422 names the field.
func fieldNamed(err error, field string) bool {
	for _, fe := range client.FieldErrors(err) {
		if fe.Field == field || strings.HasPrefix(fe.Field, field+"[") || strings.HasPrefix(fe.Field, field+".") {
			return true
		}
	}
	return false
}

// closedPort returns a loopback URL on which nothing listens.
func closedPort(t *testing.T) string { return portaltest.ClosedURL(t) }

// sampleConnector serves internal/connector on loopback, answering every
// call validly.
func sampleConnector(t *testing.T) (*portaltest.Connector, *connector.Connector) {
	t.Helper()
	c := portaltest.StartConnector(t)
	return c, c.Connector
}
