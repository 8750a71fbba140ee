package readcache

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// heldStores is a Stores whose portal counts every request and
// can hold the requests to one path until the test lets them go.
type heldStores struct {
	*Stores
	tp      *portaltest.Portal
	rc      *portaltest.Counter
	mu      sync.Mutex
	path    string
	release chan struct{}
	waiting chan struct{}
}

func newCountedStores(t *testing.T, opts ...portaltest.Option) *heldStores {
	t.Helper()
	tp := portaltest.Start(t, opts...)
	url, rc := tp.CountingEndpoint(t, "")
	sp := &heldStores{tp: tp, rc: rc, waiting: make(chan struct{}, 64)}
	srv := portaltest.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sp.mu.Lock()
		path, release := sp.path, sp.release
		sp.mu.Unlock()
		if path == r.URL.Path {
			<-release
		}
		httputil.NewSingleHostReverseProxy(mustParseURL(t, url)).ServeHTTP(w, r)
	}))
	c, err := client.New(client.Config{Endpoint: srv.URL, Token: tp.ViewerToken, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sp.Stores = NewStores(c)
	sp.Stores.waiting = func() { sp.waiting <- struct{}{} }
	return sp
}

func mustParseURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// getConcurrently looks storeID up from n goroutines at once. With a path,
// the portal holds the requests to it until waits callers wait for another
// caller's request: so the lookups must share it, or the test fails.
func getConcurrently(t *testing.T, sp *heldStores, storeID string, n int, path string, waits int) {
	t.Helper()
	release := make(chan struct{})
	sp.mu.Lock()
	sp.path, sp.release = path, release
	sp.mu.Unlock()
	for len(sp.waiting) > 0 {
		<-sp.waiting
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			s, err := sp.Get(context.Background(), storeID)
			if err == nil && s.ID != storeID {
				err = fmt.Errorf("store %q, want %q", s.ID, storeID)
			}
			errs <- err
		})
	}
	timeout := time.After(10 * time.Second)
	for i := 0; path != "" && i < waits; i++ {
		select {
		case <-sp.waiting:
		case <-timeout:
			close(release)
			wg.Wait()
			t.Fatalf("only %d of %d waits for a shared request while %s was held; requests %v", i, waits, path, sp.rc.Snapshot())
		}
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The stores of a merchant that fits on one page cost one request however
// many connectors of how many stores are planned at once.
func TestStoreProfilesListTheFirstPageOnce(t *testing.T) {
	sp := newCountedStores(t)
	// The seven callers that do not list wait for the one that does.
	getConcurrently(t, sp, portaltest.StoreJWO, 8, "/v1/stores", 7)
	for _, id := range []string{portaltest.StoreDashCart, portaltest.StoreNotRequired} {
		getConcurrently(t, sp, id, 8, "", 0)
	}
	calls := sp.rc.Snapshot()
	if calls["GET /v1/stores"] != 1 || len(calls) != 1 {
		t.Errorf("requests %v, want one GET /v1/stores", calls)
	}
}

// A store beyond the first page is read on its own, once for its four
// connectors.
func TestStoreProfilesReadAStoreBeyondTheFirstPageOnce(t *testing.T) {
	sp := newCountedStores(t, portaltest.WithStores(portaltest.Merchant, portaltest.GeneratedStores("acme-gen", storePageSize)...))
	last := fmt.Sprintf("acme-gen-%04d", storePageSize) // the first page ends before it: acme-cart-01 sorts first
	// Three callers wait for the listing, then three for the read of last.
	getConcurrently(t, sp, last, 4, "/v1/stores/"+last, 6)
	getConcurrently(t, sp, "acme-gen-0001", 4, "", 0)
	calls := sp.rc.Snapshot()
	if calls["GET /v1/stores"] != 1 || calls["GET /v1/stores/"+last] != 1 || len(calls) != 2 {
		t.Errorf("requests %v, want one GET /v1/stores and one GET /v1/stores/%s", calls, last)
	}
}

// A store missing from the listing is asked for on its own before it is
// reported missing; then it stays missing for the process. A failed lookup is
// asked again by the next caller instead of failing it too.
func TestStoreProfilesKeepNotFoundButNotFailures(t *testing.T) {
	sp := newCountedStores(t)
	rc := sp.rc
	for range 2 {
		if _, err := sp.Get(context.Background(), "no-such-store"); !client.IsNotFound(err) {
			t.Fatalf("err = %v, want 404", err)
		}
	}
	if n := rc.Snapshot()["GET /v1/stores/no-such-store"]; n != 1 {
		t.Errorf("%d reads of the missing store, want 1", n)
	}

	// A store created after the listing is read on its own: the read with
	// an ended context fails, and the next caller reads it again.
	late := sp.tp.AddStores("acme-late", 1)[0]
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sp.Get(cancelled, late); err == nil {
		t.Fatal("a lookup with a cancelled context succeeded")
	}
	if st, err := sp.Get(context.Background(), late); err != nil || st.ID != late {
		t.Fatalf("the lookup after a failed one: %+v, %v", st, err)
	}
}
