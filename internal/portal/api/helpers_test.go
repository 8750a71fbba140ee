package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/httpstatus"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

// fakeTester stands in for the real tester: no test of this package makes a
// network call to a connector.
type fakeTester struct {
	mu    sync.Mutex
	calls []tester.Call
	run   func(ctx context.Context, c tester.Call) tester.Result
}

func (f *fakeTester) Run(ctx context.Context, c tester.Call) tester.Result {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	run := f.run
	f.mu.Unlock()
	if run != nil {
		return run(ctx, c)
	}
	return tester.Result{Status: jwo.TestSuccessful, HTTPStatus: c.Method.SuccessStatus(), Latency: 12 * time.Millisecond, ResponseExcerpt: `{"ok":true}`}
}

func (f *fakeTester) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeTester) allCalls() []tester.Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tester.Call(nil), f.calls...)
}

func (f *fakeTester) setRun(run func(ctx context.Context, c tester.Call) tester.Result) {
	f.mu.Lock()
	f.run = run
	f.mu.Unlock()
}

// syncBuffer is a log sink that the server's goroutines and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// envOptions are the options of a test portal and of its API.
type envOptions struct {
	portal.Options
	apiOptions
}

type apiOptions = Options

// env is one portal on a fresh database, served on loopback, with two
// merchants: acme (a token per role) and globex (an admin).
type env struct {
	t      *testing.T
	dbPath string
	opts   envOptions
	portal *portal.Portal
	api    *API
	srv    *httptest.Server
	tester *fakeTester
	logs   *syncBuffer
	tokens map[string]string // viewer, operator, admin, other
	// waitStarted, when set, is called as a long poll starts waiting.
	waitStarted atomic.Pointer[func()]
}

// testSeed: acme-sea-01 needs all four methods; acme-dash-01 needs ORDERING
// only; acme-none needs nothing; globex-01 belongs to another merchant.
func testSeed() seed.File {
	return seed.File{Merchants: []seed.Merchant{
		{ID: "acme", Stores: []seed.Store{
			{StoreProfile: jwo.StoreProfile{ID: "acme-sea-01", Name: "Acme Seattle 1", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
				EntryMethods: []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard}, FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
				OrderDelegation: true, LoyaltyProgram: true},
				Catalog: []jwo.CatalogItem{{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"}}},
			{StoreProfile: jwo.StoreProfile{ID: "acme-dash-01", Name: "Acme Dash 1", StoreType: jwo.StoreTypeDashCart, Region: "us-west-2",
				EntryMethods: []jwo.EntryMethod{}, FraudAndAbuseStrategy: jwo.FraudAmazonManaged, OrderDelegation: true}},
			{StoreProfile: jwo.StoreProfile{ID: "acme-none", Name: "Acme Plain", StoreType: jwo.StoreTypeJWO, Region: "eu-west-1",
				EntryMethods: []jwo.EntryMethod{jwo.EntryPalm}, FraudAndAbuseStrategy: jwo.FraudNone}},
		}},
		{ID: "globex", Stores: []seed.Store{
			{StoreProfile: jwo.StoreProfile{ID: "globex-01", Name: "Globex 1", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
				EntryMethods: []jwo.EntryMethod{jwo.EntryBadge}, FraudAndAbuseStrategy: jwo.FraudAmazonRecommendation,
				OrderDelegation: true, LoyaltyProgram: true},
				Catalog: []jwo.CatalogItem{{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Water"}}},
		}},
	}}
}

func newEnv(t *testing.T, mod ...func(*envOptions)) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, dbPath: filepath.Join(t.TempDir(), "portal.db"), tester: &fakeTester{}, logs: &syncBuffer{}, tokens: map[string]string{}}
	if err := applySeed(ctx, e.dbPath, testSeed()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ key, merchant, name string }{
		{"viewer", "acme", "vera-viewer"}, {"operator", "acme", "otto-operator"}, {"admin", "acme", "ada-admin"}, {"other", "globex", "gus-globex"},
	} {
		role := jwo.Role(tc.key)
		if tc.key == "other" {
			role = jwo.RoleAdmin
		}
		tok, err := createToken(ctx, e.dbPath, tc.merchant, role, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[tc.key] = tok
	}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.opts = envOptions{
		Options: portal.Options{DBPath: e.dbPath, Dev: true, Tester: e.tester, TestTimeout: 2 * time.Second, TestWorkers: 2,
			Logger: log, WaitStarted: e.waitStartedHook},
		apiOptions: Options{Logger: log},
	}
	for _, m := range mod {
		m(&e.opts)
	}
	e.open()
	t.Cleanup(e.close)
	return e
}

func (e *env) waitStartedHook() {
	if f := e.waitStarted.Load(); f != nil {
		(*f)()
	}
}

func (e *env) open() {
	e.t.Helper()
	p, err := portal.Open(context.Background(), e.opts.Options)
	if err != nil {
		e.t.Fatal(err)
	}
	e.portal = p
	if e.api, err = New(p.Service(), e.opts.apiOptions); err != nil {
		e.t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.api.Handler()) // listens on 127.0.0.1
}

// openHandler opens a portal on db with a fake tester and answers its API's
// handler; cleanup closes the portal.
func openHandler(tb testing.TB, db string) http.Handler {
	tb.Helper()
	p, err := portal.Open(context.Background(), portal.Options{DBPath: db, Dev: true, Tester: &fakeTester{}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = p.Close(context.Background()) })
	a, err := New(p.Service(), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return a.Handler()
}

// applySeed applies a seed to the database at db as jwo-portal seed does.
func applySeed(ctx context.Context, db string, f seed.File) error {
	return portal.Administer(ctx, db, func(svc *portal.Service) error { return svc.ApplySeed(ctx, f) })
}

// createToken makes a token that never expires, as jwo-portal token create does.
func createToken(ctx context.Context, db, merchant string, role jwo.Role, name string) (token string, err error) {
	err = portal.Administer(ctx, db, func(svc *portal.Service) error {
		token, _, err = svc.IssueToken(ctx, portal.TokenSpec{Merchant: merchant, Role: role, Name: name})
		return err
	})
	return token, err
}

func (e *env) close() {
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
	if e.portal != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.portal.Close(ctx); err != nil {
			e.t.Errorf("close: %v", err)
		}
		e.portal = nil
	}
}

func (e *env) reopen() {
	e.t.Helper()
	e.close()
	e.open()
}

// resp is an answer, read in full.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r resp) problem(t *testing.T) jwo.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.status, r.body)
	}
	var p jwo.Problem
	r.json(t, &p)
	return p
}

// do sends one request; who is a key of e.tokens, "" for none, or a raw
// Authorization value prefixed with "raw:". Extra headers come in pairs.
func (e *env) do(method, path, who, body string, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	switch {
	case strings.HasPrefix(who, "raw:"):
		req.Header.Set("Authorization", strings.TrimPrefix(who, "raw:"))
	case who != "":
		tok, ok := e.tokens[who]
		if !ok {
			e.t.Fatalf("no token %q", who)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// must sends a request and fails the test unless the status is want.
func (e *env) must(want int, method, path, who, body string, headers ...string) resp {
	e.t.Helper()
	r := e.do(method, path, who, body, headers...)
	if r.status != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d; body %s", method, path, who, r.status, want, r.body)
	}
	return r
}

const (
	publicURL  = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	publicURL2 = "https://xyz987wvut.execute-api.us-east-1.amazonaws.com/prod"
)

func connectorBody(url string, typ jwo.EndpointType) string {
	b, _ := json.Marshal(jwo.ConnectorInput{EndpointURL: url, EndpointType: typ})
	return string(b)
}

// auditCount counts acme's audit events straight from the database.
func (e *env) auditCount(merchant string) int64 {
	e.t.Helper()
	db, err := store.Open(context.Background(), e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var n int64
	err = db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = tx.CountAuditEvents(context.Background(), merchant)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// waitForRun polls a run until it leaves RUNNING.
func (e *env) waitForRun(id string) jwo.ConnectivityTest {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var run jwo.ConnectivityTest
		e.must(200, "GET", "/v1/tests/"+id, "viewer", "").json(e.t, &run)
		if run.Status != jwo.TestRunning {
			return run
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("run %s still RUNNING", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Each kind with a status has its problem type: problemOf would answer an
// empty type otherwise.
func TestEveryKindHasAProblemType(t *testing.T) {
	for k := portal.KindBadRequest; k <= portal.KindUnavailable; k++ {
		if _, ok := httpstatus.Of(k); ok && problemTypes[k] == "" {
			t.Errorf("kind %d has a status but no problem type", k)
		}
	}
}
