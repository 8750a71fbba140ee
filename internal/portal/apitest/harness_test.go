// Package apitest is the Portal API suite: the real portal handler, served on
// loopback, driven through internal/client, with every answer checked against
// the OpenAPI document by an openapitest.Validator wrapped around the
// client's transport. A test fails if any answer it saw broke the contract,
// whatever the test itself asserted.
package apitest

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi/openapitest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// The fixture: two merchants. Acme's store ids are distinctive so that a
// leak of them into Globex's answers is easy to spot.
const (
	acme   = "acme"
	globex = "globex"

	storeFull = "acme-full-0001" // JWO; requires all four methods
	storeNone = "acme-none-0001" // JWO; requires nothing (NOT_REQUIRED)
	storeCart = "acme-cart-0001" // DASH_CART; requires ORDERING only
	storeOurs = "globex-0001"

	skuWater     = "WATER-500"
	barcodeWater = "036000291452" // UPC-A with a valid check digit
)

var acmeStores = []string{storeFull, storeNone, storeCart}

func fixture() seed.File {
	return seed.File{Merchants: []seed.Merchant{
		{ID: acme, Stores: []seed.Store{
			{StoreProfile: jwo.StoreProfile{
				ID: storeFull, Name: "Acme Full", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
				EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
				FraudAndAbuseStrategy: jwo.FraudCustomerManaged, OrderDelegation: true, LoyaltyProgram: true,
			}, Catalog: []jwo.CatalogItem{{SKU: skuWater, Barcode: barcodeWater, BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"}}},
			{StoreProfile: jwo.StoreProfile{
				ID: storeNone, Name: "Acme None", StoreType: jwo.StoreTypeJWO, Region: "us-west-2",
				EntryMethods: []jwo.EntryMethod{jwo.EntryCreditCard, jwo.EntryPalm}, FraudAndAbuseStrategy: jwo.FraudAmazonManaged,
			}},
			{StoreProfile: jwo.StoreProfile{
				ID: storeCart, Name: "Acme Cart", StoreType: jwo.StoreTypeDashCart, Region: "eu-west-1",
				EntryMethods: []jwo.EntryMethod{}, FraudAndAbuseStrategy: jwo.FraudNone, OrderDelegation: true,
			}, Catalog: []jwo.CatalogItem{{SKU: skuWater, Barcode: barcodeWater, BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"}}},
		}},
		{ID: globex, Stores: []seed.Store{
			{StoreProfile: jwo.StoreProfile{
				ID: storeOurs, Name: "Globex 1", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
				EntryMethods: []jwo.EntryMethod{jwo.EntryBadge}, FraudAndAbuseStrategy: jwo.FraudAmazonManaged,
			}},
		}},
	}}
}

// env is one portal with its own database, served on loopback.
type env struct {
	t      *testing.T
	db     string
	p      *portal.Portal
	srv    *httptest.Server
	v      *openapitest.Validator
	tokens map[string]string // by "merchant/role"

	// Clients of the fixture's tokens. other is Globex's admin.
	viewer, operator, admin, other *client.Client
}

type envOption func(*portal.Options)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	ctx := t.Context()
	o := portal.Options{
		DBPath:      filepath.Join(t.TempDir(), "portal.db"),
		Dev:         true,
		TestTimeout: 3 * time.Second,
	}
	for _, f := range opts {
		f(&o)
	}
	if err := portal.ApplySeed(ctx, o.DBPath, fixture()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	p, err := portal.Open(ctx, o)
	if err != nil {
		t.Fatalf("open portal: %v", err)
	}
	srv := httptest.NewUnstartedServer(p.Handler())
	_ = srv.Listener.Close()
	srv.Listener = loopbackListener(t)
	srv.Start()
	v, err := openapitest.New()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: o.DBPath, p: p, srv: srv, v: v, tokens: map[string]string{}}
	t.Cleanup(func() {
		srv.Close()
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Close(cctx); err != nil {
			t.Errorf("close portal: %v", err)
		}
		record(v.Seen())
	})
	v.CheckAtCleanup(t)

	e.viewer = e.client(e.token(acme, jwo.RoleViewer))
	e.operator = e.client(e.token(acme, jwo.RoleOperator))
	e.admin = e.client(e.token(acme, jwo.RoleAdmin))
	e.other = e.client(e.token(globex, jwo.RoleAdmin))
	return e
}

// loopbackListener listens on 127.0.0.1, or ::1 where IPv4 loopback is
// missing: the suite never listens on, or dials, anything else.
func loopbackListener(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if l, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			t.Fatalf("listen on loopback: %v", err)
		}
	}
	return l
}

func (e *env) token(merchant string, role jwo.Role) string {
	e.t.Helper()
	key := merchant + "/" + string(role)
	if tok, ok := e.tokens[key]; ok {
		return tok
	}
	tok, err := portal.CreateToken(e.t.Context(), e.db, merchant, role, merchant+"-"+string(role))
	if err != nil {
		e.t.Fatalf("create token %s: %v", key, err)
	}
	e.tokens[key] = tok
	return tok
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
	cfg := client.Config{
		Endpoint:   e.srv.URL,
		Token:      token,
		HTTPClient: e.httpClient(nil),
		Timeout:    10 * time.Second,
		MaxRetries: -1,
	}
	for _, f := range opts {
		f(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
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
func closedPort(t *testing.T) string {
	t.Helper()
	l := loopbackListener(t)
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// sampleConnector serves internal/connector on loopback, answering every
// call validly.
func sampleConnector(t *testing.T) (*httptest.Server, *connector.Connector) {
	t.Helper()
	c := connector.New(connector.Options{})
	srv := httptest.NewUnstartedServer(c)
	_ = srv.Listener.Close()
	srv.Listener = loopbackListener(t)
	srv.Start()
	t.Cleanup(func() {
		c.Close()
		srv.Close()
	})
	return srv, c
}
