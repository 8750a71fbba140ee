package portal

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// The stores of openTestPortal: dashStore needs ORDERING only and has
// WATER-500 in its catalog; otherStore is globex's.
const (
	dashStore  = "acme-dash-01"
	otherStore = "globex-01"
	gatewayURL = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
)

// testPortal is a portal on a fresh SQLite file with callers of acme by
// role ("viewer", "operator", "admin") and globex's admin ("other").
type testPortal struct {
	*Portal
	svc     *Service
	db      string
	callers map[string]Caller
	tokens  map[string]string
}

func openTestPortal(t *testing.T, mod ...func(*Options)) *testPortal {
	t.Helper()
	ctx := t.Context()
	tp := &testPortal{db: filepath.Join(t.TempDir(), "portal.db"), callers: map[string]Caller{}, tokens: map[string]string{}}
	dash := func(id string) seed.Store {
		return seed.Store{StoreProfile: jwo.StoreProfile{ID: id, Name: "Dash " + id, StoreType: jwo.StoreTypeDashCart, Region: "us-west-2",
			EntryMethods: []jwo.EntryMethod{}, FraudAndAbuseStrategy: jwo.FraudAmazonManaged, OrderDelegation: true},
			Catalog: []jwo.CatalogItem{{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Water"}}}
	}
	err := Administer(ctx, tp.db, func(svc *Service) error {
		if err := svc.ApplySeed(ctx, seed.File{Merchants: []seed.Merchant{
			{ID: "acme", Stores: []seed.Store{dash(dashStore)}},
			{ID: "globex", Stores: []seed.Store{dash(otherStore)}},
		}}); err != nil {
			return err
		}
		for key, spec := range map[string]TokenSpec{
			"viewer":   {Merchant: "acme", Role: jwo.RoleViewer, Name: "vera-viewer"},
			"operator": {Merchant: "acme", Role: jwo.RoleOperator, Name: "otto-operator"},
			"admin":    {Merchant: "acme", Role: jwo.RoleAdmin, Name: "ada-admin"},
			"other":    {Merchant: "globex", Role: jwo.RoleAdmin, Name: "gus-globex"},
		} {
			tok, _, err := svc.IssueToken(ctx, spec)
			if err != nil {
				return err
			}
			tp.tokens[key] = tok
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{DBPath: tp.db, Dev: true, Tester: &holdingTester{}, TestWorkers: 1, TestTimeout: 3 * time.Second}
	for _, m := range mod {
		m(&opts)
	}
	if tp.Portal, err = Open(ctx, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tp.Close(cctx)
	})
	tp.svc = tp.Service()
	for key, tok := range tp.tokens {
		if tp.callers[key], err = tp.svc.Authenticate(ctx, tok, ""); err != nil {
			t.Fatal(err)
		}
	}
	return tp
}

// saveOrdering saves dashStore's ORDERING connector as acme's operator.
func (tp *testPortal) saveOrdering(t *testing.T) jwo.Connector {
	t.Helper()
	c, _, err := tp.svc.PutConnector(t.Context(), tp.callers["operator"], dashStore, jwo.MethodOrdering,
		jwo.ConnectorInput{EndpointURL: gatewayURL, EndpointType: jwo.EndpointPublic}, Preconditions{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantKind fails the test unless err is an Error of kind k (and code, when
// given), and answers a copy of it.
func wantKind(t *testing.T, err error, k Kind, code ...string) Error {
	t.Helper()
	e, ok := AsError(err)
	if !ok || e.Kind != k || (len(code) > 0 && e.Code != code[0]) {
		t.Fatalf("err = %#v (%v), want kind %d %v", e, err, k, code)
	}
	return *e
}
