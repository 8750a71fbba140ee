package portal

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// The one authorization step: a store the caller cannot see is not found
// for every role and every write, before the role is looked at; on its own
// store a role that may not write is forbidden; an id no store can have is
// a bad request.
func TestWritesAnswerNotFoundBeforeForbidden(t *testing.T) {
	tp := openTestPortal(t)
	ctx := t.Context()
	for _, w := range []Write{WriteConnectors, WriteStore, WriteCatalog} {
		for who, c := range tp.callers {
			t.Run(fmt.Sprintf("write %d as %s", w, who), func(t *testing.T) {
				if who != "other" {
					wantKind(t, tp.svc.CheckWrite(ctx, c, otherStore, w), KindNotFound)
				}
				// No store has an id outside the allowed form: 404, as the OpenAPI document says.
				wantKind(t, tp.svc.CheckWrite(ctx, c, "no such store", w), KindNotFound)
				err := tp.svc.CheckWrite(ctx, c, dashStore, w)
				switch {
				case who == "other":
					wantKind(t, err, KindNotFound)
				case who == "admin", who == "operator" && w == WriteConnectors:
					if err != nil {
						t.Fatalf("CheckWrite: %v", err)
					}
				default:
					if e := wantKind(t, err, KindForbidden); !strings.Contains(e.Detail, string(c.Role())) {
						t.Errorf("detail %q does not name the role", e.Detail)
					}
				}
			})
		}
	}
	// The writes themselves take the same step, inside their transaction.
	in := jwo.ConnectorInput{EndpointURL: gatewayURL, EndpointType: jwo.EndpointPublic}
	_, _, err := tp.svc.PutConnector(ctx, tp.callers["viewer"], otherStore, jwo.MethodOrdering, in, Preconditions{})
	wantKind(t, err, KindNotFound)
	_, _, err = tp.svc.PutConnector(ctx, tp.callers["viewer"], dashStore, jwo.MethodOrdering, in, Preconditions{})
	wantKind(t, err, KindForbidden)
	_, err = tp.svc.PatchStore(ctx, tp.callers["operator"], dashStore, jwo.StorePatch{})
	wantKind(t, err, KindForbidden)
	_, err = tp.svc.PutCatalogItem(ctx, tp.callers["admin"], otherStore, jwo.CatalogItem{SKU: "X"})
	wantKind(t, err, KindNotFound)
	_, err = tp.svc.CreateStore(ctx, tp.callers["operator"], jwo.StoreProfile{ID: "acme-new"})
	if e := wantKind(t, err, KindForbidden); !strings.Contains(e.Detail, "create stores") {
		t.Errorf("detail %q", e.Detail)
	}
	wantKind(t, tp.svc.CheckWrite(ctx, tp.callers["operator"], "", WriteStore), KindForbidden)
	if err := tp.svc.CheckWrite(ctx, tp.callers["admin"], "", WriteStore); err != nil {
		t.Errorf("an admin may create stores: %v", err)
	}
}

func TestPreconditions(t *testing.T) {
	any := &Versions{Any: true}
	for _, tc := range []struct {
		name    string
		pre     Preconditions
		current int64
		fails   bool
	}{
		{"none, absent", Preconditions{}, 0, false},
		{"none, saved", Preconditions{}, 3, false},
		{"if-match the saved version", OnlyIfVersion(3), 3, false},
		{"if-match another version", OnlyIfVersion(2), 3, true},
		{"if-match one of several", Preconditions{IfMatch: &Versions{List: []int64{1, 3}}}, 3, false},
		{"if-match, absent", OnlyIfVersion(1), 0, true},
		{"if-match any, saved", Preconditions{IfMatch: any}, 7, false},
		{"if-match any, absent", Preconditions{IfMatch: any}, 0, true},
		{"if-match nothing we gave out", Preconditions{IfMatch: &Versions{}}, 3, true},
		{"create only, absent", OnlyIfAbsent(), 0, false},
		{"create only, saved", OnlyIfAbsent(), 1, true},
		{"if-none-match another version", Preconditions{IfNoneMatch: &Versions{List: []int64{2}}}, 3, false},
		{"if-none-match the saved version", Preconditions{IfNoneMatch: &Versions{List: []int64{3}}}, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.pre.check(tc.current)
			if !tc.fails {
				if err != nil {
					t.Fatalf("check(%d) = %v, want nil", tc.current, err)
				}
				return
			}
			e := wantKind(t, err, KindPreconditionFailed)
			if tc.current != 0 && !strings.Contains(e.Detail, fmt.Sprintf("version %d", tc.current)) {
				t.Errorf("detail %q does not name the saved version %d", e.Detail, tc.current)
			}
		})
	}
	if s := (&Versions{List: []int64{3, 4}}).String(); s != "version 3 or 4" {
		t.Errorf("String() = %q", s)
	}
}

func TestPageOf(t *testing.T) {
	id := func(n int) int { return n }
	for _, tc := range []struct {
		rows     []int
		size     int
		wantLen  int
		wantNext int
	}{
		{nil, 2, 0, 0},
		{[]int{1, 2}, 2, 2, 0},
		{[]int{1, 2, 3}, 2, 2, 2},
		{[]int{1, 2, 3}, 1, 1, 1},
	} {
		page, next := pageOf(tc.rows, tc.size, id)
		if page == nil || len(page) != tc.wantLen || next != tc.wantNext {
			t.Errorf("pageOf(%v, %d) = %v, %d; want %d rows, next %d", tc.rows, tc.size, page, next, tc.wantLen, tc.wantNext)
		}
	}
	if pageSize(0) != 1 || pageSize(MaxPageSize+1) != MaxPageSize || pageSize(7) != 7 {
		t.Error("pageSize does not keep sizes within [1, MaxPageSize]")
	}
}

func TestAsError(t *testing.T) {
	if _, ok := AsError(errors.New("disk on fire")); ok {
		t.Error("a fault of the portal was described as an Error")
	}
	e, ok := AsError(fmt.Errorf("read: %w", store.ErrUnavailable))
	if !ok || e.Kind != KindUnavailable || e.RetryAfter <= 0 {
		t.Errorf("unavailable database: %+v, %v", e, ok)
	}
	wrapped := fmt.Errorf("outer: %w", notFound("store %q does not exist", "x"))
	if !IsKind(wrapped, KindNotFound) || IsKind(wrapped, KindForbidden) || IsKind(nil, KindNotFound) {
		t.Error("IsKind does not see through wrapping")
	}
	if e := invalid([]jwo.FieldError{{Field: "a", Message: "bad"}, {Field: "b", Message: "worse"}}); !strings.Contains(e.Detail, "and 1 more") || len(e.Fields) != 2 {
		t.Errorf("invalid: %+v", e)
	}
}

// A save is a change only when the endpoint changes: the same endpoint
// spelled otherwise writes no new version and no audit event.
func TestPutConnectorCountsChangesOnly(t *testing.T) {
	tp := openTestPortal(t)
	ctx, op := t.Context(), tp.callers["operator"]
	events := func() int {
		t.Helper()
		evs, _, err := tp.svc.Audit(ctx, op, dashStore, MaxPageSize, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := events()
	put := func(url string, pre Preconditions) (jwo.Connector, bool, error) {
		return tp.svc.PutConnector(ctx, op, dashStore, jwo.MethodOrdering, jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, pre)
	}
	c, created, err := put(gatewayURL, OnlyIfAbsent())
	if err != nil || !created || c.Version != 1 || c.UpdatedBy != "otto-operator" {
		t.Fatalf("create: %+v %v %v", c, created, err)
	}
	if _, _, err := put(gatewayURL, OnlyIfAbsent()); err == nil {
		t.Fatal("create-only over a saved connector succeeded")
	}
	same, created, err := put(strings.ToUpper(gatewayURL[:8])+gatewayURL[8:]+"/", OnlyIfVersion(1))
	if err != nil || created || same.Version != 1 {
		t.Fatalf("an equivalent URL: %+v %v %v", same, created, err)
	}
	if n := events(); n != before+1 {
		t.Errorf("%d audit events after a create and a no-op save, want %d", n, before+1)
	}
	next, _, err := put("https://xyz987wvut.execute-api.us-east-1.amazonaws.com/prod", OnlyIfVersion(1))
	if err != nil || next.Version != 2 {
		t.Fatalf("a change: %+v %v", next, err)
	}
	wantKind(t, tp.svc.DeleteConnector(ctx, op, dashStore, jwo.MethodOrdering, OnlyIfVersion(1)), KindPreconditionFailed)
	if err := tp.svc.DeleteConnector(ctx, op, dashStore, jwo.MethodOrdering, OnlyIfVersion(2)); err != nil {
		t.Fatal(err)
	}
	wantKind(t, tp.svc.DeleteConnector(ctx, op, dashStore, jwo.MethodOrdering, Preconditions{}), KindNotFound)
	if n := events(); n != before+3 {
		t.Errorf("%d audit events, want %d (create, change, delete)", n, before+3)
	}
	_, _, err = tp.svc.PutConnector(ctx, op, dashStore, jwo.MethodIdentity, jwo.ConnectorInput{EndpointURL: gatewayURL, EndpointType: jwo.EndpointPublic}, Preconditions{})
	wantKind(t, err, KindConflict, "method-not-applicable")
	_, _, err = put("http://example.com/x", Preconditions{})
	if e := wantKind(t, err, KindInvalid); len(e.Fields) == 0 || e.Fields[0].Field != "endpoint_url" {
		t.Errorf("fields %+v", e.Fields)
	}
}

// Over the merchant's bound a start is busy, with a retry hint of about one
// run's timeout; a retry of a started run with its key is answered anyway.
func TestStartTestOverTheBoundIsBusy(t *testing.T) {
	tp := openTestPortal(t, func(o *Options) { o.MaxRunsPerMerchant, o.TestTimeout = 1, 2500*time.Millisecond })
	ctx, op := t.Context(), tp.callers["operator"]
	tp.saveOrdering(t)
	in := jwo.TestInput{SKU: "WATER-500"}
	first, err := tp.svc.StartTest(ctx, op, dashStore, jwo.MethodOrdering, in, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tp.svc.StartTest(ctx, op, dashStore, jwo.MethodOrdering, in, "key-2")
	if e := wantKind(t, err, KindBusy, "too-many-runs"); e.RetryAfter != 3*time.Second {
		t.Errorf("retry after %s, want 3s (the run timeout, rounded up)", e.RetryAfter)
	}
	again, err := tp.svc.StartTest(ctx, op, dashStore, jwo.MethodOrdering, in, "key-1")
	if err != nil || again.ID != first.ID {
		t.Fatalf("retry with the first key: %+v %v", again, err)
	}
	_, err = tp.svc.StartTest(ctx, op, dashStore, jwo.MethodOrdering, jwo.TestInput{SKU: "OTHER"}, "key-1")
	wantKind(t, err, KindConflict, "idempotency-key-reused")
	_, err = tp.svc.StartTest(ctx, tp.callers["viewer"], dashStore, jwo.MethodOrdering, in, "")
	wantKind(t, err, KindForbidden)
}

func TestStartTestRefusals(t *testing.T) {
	tp := openTestPortal(t)
	ctx, op := t.Context(), tp.callers["operator"]
	_, err := tp.svc.StartTest(ctx, op, dashStore, jwo.MethodOrdering, jwo.TestInput{SKU: "WATER-500"}, "")
	wantKind(t, err, KindNotFound)
	tp.saveOrdering(t)
	for sku, want := range map[string]string{"": "sku", "NOT-IN-CATALOG": "not in the catalog"} {
		_, err := tp.svc.StartTest(ctx, op, dashStore, jwo.MethodOrdering, jwo.TestInput{SKU: sku}, "")
		if e := wantKind(t, err, KindInvalid); e.Fields[0].Field != "sku" || !strings.Contains(e.Detail, want) {
			t.Errorf("sku %q: %+v", sku, e)
		}
	}
}

func TestAuthenticateKinds(t *testing.T) {
	now := time.Now()
	tp := openTestPortal(t, func(o *Options) { o.Clock = func() time.Time { return now } })
	ctx := t.Context()
	_, err := tp.svc.Authenticate(ctx, "  ", "")
	wantKind(t, err, KindNoCredentials)
	_, err = tp.svc.Authenticate(ctx, "jwo_not-a-token", "")
	wantKind(t, err, KindBadCredentials)
	c, err := tp.svc.Authenticate(ctx, " "+tp.tokens["operator"]+"\n", ViaConsole)
	if err != nil || c.Merchant() != "acme" || c.Role() != jwo.RoleOperator || c.Name() != "otto-operator" || c.TokenID() == "" {
		t.Fatalf("caller %+v, %v", c, err)
	}
	if c.pr.actor() != "otto-operator via console" || ActorVia(c.pr.actor()) != ViaConsole || ActorVia("otto-operator") != "" {
		t.Errorf("actor %q", c.pr.actor())
	}
	if err := tp.svc.RevokeToken(ctx, tp.callers["admin"], c.TokenID()); err != nil {
		t.Fatal(err)
	}
	_, err = tp.svc.Authenticate(ctx, tp.tokens["operator"], "")
	if e := wantKind(t, err, KindBadCredentials); !strings.Contains(e.Detail, "revoked") {
		t.Errorf("detail %q", e.Detail)
	}
	wantKind(t, tp.svc.RevokeToken(ctx, tp.callers["admin"], c.TokenID()), KindNotFound)
	wantKind(t, tp.svc.RevokeToken(ctx, tp.callers["other"], tp.callers["viewer"].TokenID()), KindNotFound)
	wantKind(t, tp.svc.RevokeToken(ctx, tp.callers["viewer"], tp.callers["admin"].TokenID()), KindForbidden)

	var short string
	err = Administer(ctx, tp.db, func(svc *Service) error {
		var err error
		short, _, err = svc.IssueToken(ctx, TokenSpec{Merchant: "acme", Role: jwo.RoleViewer, Name: "short", ExpiresIn: time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	_, err = tp.svc.Authenticate(ctx, short, "")
	if e := wantKind(t, err, KindBadCredentials); !strings.Contains(e.Detail, "expired") {
		t.Errorf("detail %q", e.Detail)
	}
}

func TestStoreWrites(t *testing.T) {
	tp := openTestPortal(t)
	ctx, admin := t.Context(), tp.callers["admin"]
	prof := jwo.StoreProfile{ID: "acme-new", Name: "New", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
		FraudAndAbuseStrategy: jwo.FraudNone, OrderDelegation: true}
	st, err := tp.svc.CreateStore(ctx, admin, prof)
	if err != nil || st.EntryMethods == nil || st.CompletionStatus != jwo.CompletionIncomplete {
		t.Fatalf("create: %+v %v", st, err)
	}
	_, err = tp.svc.CreateStore(ctx, admin, prof)
	wantKind(t, err, KindConflict, "store-exists")
	_, err = tp.svc.CreateStore(ctx, admin, jwo.StoreProfile{ID: "acme-bad"})
	wantKind(t, err, KindInvalid)
	audit := func() int {
		evs, _, err := tp.svc.Audit(ctx, admin, "acme-new", MaxPageSize, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	n := audit()
	name := "Renamed"
	if st, err = tp.svc.PatchStore(ctx, admin, "acme-new", jwo.StorePatch{Name: &name}); err != nil || st.Name != name {
		t.Fatalf("patch: %+v %v", st, err)
	}
	if _, err = tp.svc.PatchStore(ctx, admin, "acme-new", jwo.StorePatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got := audit(); got != n+1 {
		t.Errorf("%d new audit events for a change and a no-op patch, want 1", got-n)
	}
	bad := "moon-1"
	_, err = tp.svc.PatchStore(ctx, admin, "acme-new", jwo.StorePatch{Region: &bad})
	wantKind(t, err, KindInvalid)
}

func TestPutCatalogItem(t *testing.T) {
	tp := openTestPortal(t)
	ctx, admin := t.Context(), tp.callers["admin"]
	pen := jwo.CatalogItem{SKU: "PEN-1", Barcode: "4006381333931", BarcodeType: jwo.BarcodeEAN13, Name: "Pen"}
	if _, err := tp.svc.PutCatalogItem(ctx, admin, dashStore, pen); err != nil {
		t.Fatal(err)
	}
	thief := pen
	thief.SKU = "PEN-2"
	_, err := tp.svc.PutCatalogItem(ctx, admin, dashStore, thief)
	if e := wantKind(t, err, KindConflict, "barcode-in-use"); !strings.Contains(e.Detail, "PEN-1") {
		t.Errorf("detail %q does not name the SKU that holds the barcode", e.Detail)
	}
	_, err = tp.svc.PutCatalogItem(ctx, admin, dashStore, jwo.CatalogItem{SKU: "PEN-3", Barcode: "4006381333932", BarcodeType: jwo.BarcodeEAN13, Name: "Pen"})
	wantKind(t, err, KindInvalid)
	items, next, err := tp.svc.Catalog(ctx, tp.callers["viewer"], dashStore, "", 1, "")
	if err != nil || len(items) != 1 || next != items[0].SKU {
		t.Fatalf("first page of one: %+v next %q %v", items, next, err)
	}
	items, next, err = tp.svc.Catalog(ctx, tp.callers["viewer"], dashStore, "", 1, next)
	if err != nil || len(items) != 1 || next != "" {
		t.Fatalf("last page: %+v next %q %v", items, next, err)
	}
}

// A wait ends when the run finishes, and at once when the portal drains.
func TestWaitTest(t *testing.T) {
	p, op, running := openHoldingOneCall(t)
	svc := p.Service()
	ctx := t.Context()
	run, waited, err := svc.WaitTest(ctx, op, running.ID, 0)
	if err != nil || waited || run.Status != jwo.TestRunning {
		t.Fatalf("no wait: %+v %v %v", run, waited, err)
	}
	start := time.Now()
	go func() { time.Sleep(100 * time.Millisecond); p.Drain() }()
	run, waited, err = svc.WaitTest(ctx, op, running.ID, 20*time.Second)
	if err != nil || !waited || time.Since(start) > 10*time.Second {
		t.Fatalf("drained wait: %+v %v %v after %s", run, waited, err, time.Since(start))
	}
	_, _, err = svc.WaitTest(ctx, op, "not-a-run", time.Second)
	wantKind(t, err, KindNotFound)
}

// A replica deletes the tokens exchanged under a trust policy a day after
// they expired, and no other token: each CI job leaves one.
func TestReplicaPrunesExpiredExchangedTokens(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tp := openTestPortal(t, func(o *Options) { o.Clock = clock; o.ReplicaLease = 150 * time.Millisecond })
	ctx := t.Context()
	insert := func(name, policy string, expires time.Time) string {
		var id string
		if err := tp.Portal.db.Write(ctx, func(tx *store.Tx) error {
			sum := sha256.Sum256([]byte(name))
			rec, err := tx.InsertToken(ctx, sum[:], store.Token{MerchantID: "acme", Role: jwo.RoleViewer, Name: name,
				CreatedAt: expires.Add(-time.Hour), ExpiresAt: &expires, TrustPolicyID: policy})
			id = rec.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	old := insert("trust:main (repo:acme/infra:ref:refs/heads/main)", "tp_1", now.Add(-25*time.Hour))
	recent := insert("trust:main (repo:acme/infra:pull_request)", "tp_1", now.Add(-23*time.Hour))
	created := insert("ci-static", "", now.Add(-48*time.Hour))
	exists := func(id string) bool {
		err := tp.Portal.db.Read(ctx, func(tx *store.Tx) error { _, err := tx.TokenByID(ctx, id); return err })
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	deadline := time.Now().Add(10 * time.Second)
	for exists(old) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if exists(old) || !exists(recent) || !exists(created) {
		t.Fatalf("after pruning: expired 25 h ago kept %t, 23 h ago kept %t, a created token kept %t; want false, true, true",
			exists(old), exists(recent), exists(created))
	}
}
