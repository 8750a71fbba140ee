package provider

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
)

func newCountedStoreProfiles(t *testing.T, opts ...testPortalOption) (*storeProfiles, *requestCounter) {
	t.Helper()
	tp := newTestPortal(t, opts...)
	url, rc := tp.countingEndpoint(t)
	c, err := client.New(client.Config{Endpoint: url, Token: tp.ViewerToken, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return newStoreProfiles(c), rc
}

// getConcurrently looks storeID up from n goroutines at once.
func getConcurrently(t *testing.T, sp *storeProfiles, storeID string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			s, err := sp.get(context.Background(), storeID)
			if err == nil && s.ID != storeID {
				t.Errorf("store %q, want %q", s.ID, storeID)
			}
			errs <- err
		})
	}
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
	sp, rc := newCountedStoreProfiles(t)
	for _, id := range []string{accStoreJWO, accStoreDashCart, accStoreNotRequired} {
		getConcurrently(t, sp, id, 8)
	}
	calls := rc.snapshot()
	if calls["GET /v1/stores"] != 1 || len(calls) != 1 {
		t.Errorf("requests %v, want one GET /v1/stores", calls)
	}
}

// A store beyond the first page is read on its own, once for its four
// connectors.
func TestStoreProfilesReadAStoreBeyondTheFirstPageOnce(t *testing.T) {
	sp, rc := newCountedStoreProfiles(t, withGeneratedStores(storePageSize))
	last := fmt.Sprintf("acme-gen-%04d", storePageSize) // the first page ends before it: acme-cart-01 sorts first
	getConcurrently(t, sp, last, 4)
	getConcurrently(t, sp, "acme-gen-0001", 4)
	calls := rc.snapshot()
	if calls["GET /v1/stores"] != 1 || calls["GET /v1/stores/"+last] != 1 || len(calls) != 2 {
		t.Errorf("requests %v, want one GET /v1/stores and one GET /v1/stores/%s", calls, last)
	}
}

// A store missing from the listing is asked for on its own before it is
// reported missing; then it stays missing for the process. A failed lookup is
// asked again by the next caller instead of failing it too.
func TestStoreProfilesKeepNotFoundButNotFailures(t *testing.T) {
	sp, rc := newCountedStoreProfiles(t)
	for range 2 {
		if _, err := sp.get(context.Background(), "no-such-store"); !client.IsNotFound(err) {
			t.Fatalf("err = %v, want 404", err)
		}
	}
	if n := rc.snapshot()["GET /v1/stores/no-such-store"]; n != 1 {
		t.Errorf("%d reads of the missing store, want 1", n)
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sp.get(cancelled, accStoreDashCart); err == nil {
		t.Fatal("a lookup with a cancelled context succeeded")
	}
	if _, err := sp.get(context.Background(), accStoreDashCart); err != nil {
		t.Fatalf("the lookup after a failed one: %v", err)
	}
}
