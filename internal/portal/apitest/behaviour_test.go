package apitest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// TestConcurrentIfMatch: writers racing with If-Match on the same version;
// exactly one wins per version, every other one gets 412, round after round.
func TestConcurrentIfMatch(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	const writers, rounds = 8, 5
	version := put(t, e.operator, storeFull, jwo.MethodOrdering, "http://127.0.0.1:9/start").Version

	for round := range rounds {
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []jwo.Connector
			lost    int
			other   []error
		)
		start := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-start
				in := jwo.ConnectorInput{EndpointURL: fmt.Sprintf("http://127.0.0.1:9/r%d/w%d", round, w), EndpointType: jwo.EndpointPublic}
				c, _, err := e.operator.PutConnector(ctx, storeFull, jwo.MethodOrdering, in, client.Precondition{IfMatchVersion: version})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, c)
				case client.IsPreconditionFailed(err):
					lost++
				default:
					other = append(other, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(winners) != 1 || lost != writers-1 || len(other) != 0 {
			t.Fatalf("round %d at version %d: %d winners, %d × 412, other errors %v", round, version, len(winners), lost, other)
		}
		if winners[0].Version != version+1 {
			t.Fatalf("round %d: winner has version %d, want %d", round, winners[0].Version, version+1)
		}
		got, err := e.viewer.GetConnector(ctx, storeFull, jwo.MethodOrdering)
		if err != nil || got.EndpointURL != winners[0].EndpointURL || got.Version != version+1 {
			t.Fatalf("round %d: saved %+v, %v; the winner wrote %s", round, got, err, winners[0].EndpointURL)
		}
		version++
	}
}

// TestCompletion follows a store from INCOMPLETE to COMPLETE as connectors
// are added, and back when one is deleted.
func TestCompletion(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()

	check := func(storeID string, status jwo.CompletionStatus, configured, missing []jwo.Method) {
		t.Helper()
		c, err := e.viewer.GetCompletion(ctx, storeID)
		if err != nil {
			t.Fatal(err)
		}
		if c.StoreID != storeID || c.CompletionStatus != status || !slices.Equal(c.ConfiguredMethods, configured) || !slices.Equal(c.MissingMethods, missing) {
			t.Errorf("completion of %s = %+v, want %s configured %v missing %v", storeID, c, status, configured, missing)
		}
		s, err := e.viewer.GetStore(ctx, storeID)
		if err != nil {
			t.Fatal(err)
		}
		if s.CompletionStatus != status || !slices.Equal(s.MissingMethods, missing) || !slices.Equal(s.RequiredMethods, c.RequiredMethods) {
			t.Errorf("store %s = %+v, disagrees with its completion %+v", storeID, s, c)
		}
	}
	check(storeNone, jwo.CompletionNotRequired, []jwo.Method{}, []jwo.Method{})
	check(storeCart, jwo.CompletionIncomplete, []jwo.Method{}, []jwo.Method{jwo.MethodOrdering})

	var configured []jwo.Method
	for i, m := range jwo.Methods {
		check(storeFull, jwo.CompletionIncomplete, append([]jwo.Method{}, configured...), jwo.Methods[i:])
		put(t, e.operator, storeFull, m, "http://127.0.0.1:9/"+m.PathSegment())
		configured = append(configured, m)
	}
	check(storeFull, jwo.CompletionComplete, jwo.Methods, []jwo.Method{})

	// The filters of GET /v1/stores see the same derived status.
	complete, err := e.viewer.AllStores(ctx, client.StoreFilter{CompletionStatus: jwo.CompletionComplete})
	if err != nil || len(complete) != 1 || complete[0].ID != storeFull {
		t.Errorf("COMPLETE filter: %v, %v", storeIDs(complete), err)
	}
	ordering, err := e.viewer.AllStores(ctx, client.StoreFilter{Method: jwo.MethodOrdering})
	if err != nil || !slices.Equal(storeIDs(ordering), []string{storeCart, storeFull}) {
		t.Errorf("method ORDERING filter: %v, %v", storeIDs(ordering), err)
	}
	carts, err := e.viewer.AllStores(ctx, client.StoreFilter{StoreType: jwo.StoreTypeDashCart})
	if err != nil || !slices.Equal(storeIDs(carts), []string{storeCart}) {
		t.Errorf("DASH_CART filter: %v, %v", storeIDs(carts), err)
	}

	if err := e.operator.DeleteConnector(ctx, storeFull, jwo.MethodLoyalty, client.Precondition{}); err != nil {
		t.Fatal(err)
	}
	check(storeFull, jwo.CompletionIncomplete,
		[]jwo.Method{jwo.MethodIdentity, jwo.MethodOrdering, jwo.MethodFraudAndAbuse}, []jwo.Method{jwo.MethodLoyalty})

	// A profile change that drops a requirement completes the store again.
	no := false
	if _, err := e.admin.UpdateStore(ctx, storeFull, jwo.StorePatch{LoyaltyProgram: &no}); err != nil {
		t.Fatal(err)
	}
	c, err := e.viewer.GetCompletion(ctx, storeFull)
	if err != nil || c.CompletionStatus != jwo.CompletionComplete {
		t.Errorf("after loyalty_program=false: %+v, %v, want COMPLETE", c, err)
	}
}

func storeIDs(stores []jwo.Store) []string {
	out := []string{}
	for _, s := range stores {
		out = append(out, s.ID)
	}
	return out
}

// TestPagination walks more than one page of stores.
func TestPagination(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	want := slices.Clone(acmeStores)
	for i := range 8 {
		id := "acme-page-" + strconv.Itoa(i)
		_, err := e.admin.CreateStore(ctx, jwo.StoreProfile{ID: id, Name: id, StoreType: jwo.StoreTypeJWO, Region: "us-east-1", FraudAndAbuseStrategy: jwo.FraudNone})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	slices.Sort(want)

	first, err := e.viewer.ListStores(ctx, client.StoreFilter{PageSize: 3}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Stores) != 3 || first.NextPageToken == "" {
		t.Fatalf("first page: %d stores, next %q; want 3 and a token", len(first.Stores), first.NextPageToken)
	}
	all, err := e.viewer.AllStores(ctx, client.StoreFilter{PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := storeIDs(all); !slices.Equal(got, want) {
		t.Errorf("all pages = %v, want %v", got, want)
	}
	// A page size that divides the total exactly must not end with an
	// endless or empty walk.
	all, err = e.viewer.AllStores(ctx, client.StoreFilter{PageSize: len(want)})
	if err != nil || len(all) != len(want) {
		t.Errorf("page size = total: %d stores, %v", len(all), err)
	}
}

// TestRateLimit: a portal with a rate limit answers 429 with Retry-After.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(s *portaltest.Setup) { s.API.RateLimit = 1 })
	ctx := t.Context()
	var limited error
	for range 20 {
		if _, err := e.viewer.ListStores(ctx, client.StoreFilter{}, ""); err != nil {
			limited = err
			break
		}
	}
	if client.StatusCode(limited) != http.StatusTooManyRequests {
		t.Fatalf("20 quick calls at 1/s: %v, want a 429", limited)
	}
	// The validator has checked Retry-After; the client with retries on
	// honours it and gets through.
	patient := e.client(e.token(acme, jwo.RoleViewer), func(c *client.Config) { c.MaxRetries = 3 })
	if _, err := patient.ListStores(ctx, client.StoreFilter{}, ""); err != nil {
		t.Errorf("a retrying client after 429: %v", err)
	}
}

// TestSmallDefaultPages: with a default page size of 2, every paginated list
// (stores, catalog, audit log) takes several pages, and walking them gives
// each item once, in order.
func TestSmallDefaultPages(t *testing.T) {
	e := newEnv(t, func(s *portaltest.Setup) { s.API.PageSize = 2 })
	ctx := t.Context()

	page, err := e.viewer.ListStores(ctx, client.StoreFilter{}, "")
	if err != nil || len(page.Stores) != 2 || page.NextPageToken == "" {
		t.Fatalf("first page of stores: %d stores, token %q, %v", len(page.Stores), page.NextPageToken, err)
	}
	stores, err := e.viewer.AllStores(ctx, client.StoreFilter{})
	if err != nil || !slices.Equal(storeIDs(stores), []string{storeCart, storeFull, storeNone}) {
		t.Errorf("all stores: %v, %v", storeIDs(stores), err)
	}

	want := []string{skuWater}
	for i := range 4 {
		sku := fmt.Sprintf("PLU-%d", i)
		code := strconv.Itoa(4011 + i)
		if _, err := e.admin.PutCatalogItem(ctx, storeFull, sku, jwo.CatalogItemInput{Barcode: code, BarcodeType: jwo.BarcodePLU, Name: sku}); err != nil {
			t.Fatal(err)
		}
		want = append(want, sku)
	}
	slices.Sort(want)
	items, err := e.viewer.AllCatalogItems(ctx, storeFull, "")
	if err != nil {
		t.Fatal(err)
	}
	var skus []string
	for _, it := range items {
		skus = append(skus, it.SKU)
	}
	if !slices.Equal(skus, want) {
		t.Errorf("catalog over pages = %v, want %v", skus, want)
	}

	events, err := e.viewer.AllAuditEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 5 {
		t.Errorf("%d audit events, want at least the 4 catalog puts and the seed's", len(events))
	}
	for i := 1; i < len(events); i++ {
		if events[i].ID <= events[i-1].ID {
			t.Errorf("audit events over pages not oldest first: %d after %d", events[i].ID, events[i-1].ID)
		}
	}

	// A page token of one list is refused by another.
	auditPage, err := e.viewer.ListAuditEvents(ctx, "", "")
	if err != nil || auditPage.NextPageToken == "" {
		t.Fatalf("audit page: %+v, %v", auditPage, err)
	}
	_, err = e.viewer.ListStores(ctx, client.StoreFilter{}, auditPage.NextPageToken)
	wantStatus(t, err, 400, "an audit page token on the store list")
}

// TestUnknownQueryParameter: a misspelt filter is 400, not a wider answer.
func TestUnknownQueryParameter(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/v1/stores?storetype=JWO",
		"/v1/stores?store_type=JWO&store_type=DASH_CART",
		"/v1/audit-events?store=" + storeFull,
		"/v1/stores/" + storeFull + "/catalog/items?skus=" + skuWater,
	} {
		resp, body := e.raw("GET", path, e.token(acme, jwo.RoleViewer), nil)
		if resp.StatusCode != 400 {
			t.Errorf("GET %s: %d %.200s, want 400", path, resp.StatusCode, body)
		}
	}
}
