package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
)

func newCountedStoreProfiles(t *testing.T) (*storeProfiles, *requestCounter) {
	t.Helper()
	tp := newTestPortal(t)
	url, rc := tp.countingEndpoint(t)
	c, err := client.New(client.Config{Endpoint: url, Token: tp.ViewerToken, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return newStoreProfiles(c), rc
}

// The four connectors of a store, planned at once, share one read of it.
func TestStoreProfilesReadEachStoreOnce(t *testing.T) {
	sp, rc := newCountedStoreProfiles(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			s, err := sp.get(context.Background(), accStoreJWO)
			if err == nil && s.ID != accStoreJWO {
				t.Errorf("store %q", s.ID)
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
	if n := rc.snapshot()["GET /v1/stores/"+accStoreJWO]; n != 1 {
		t.Errorf("%d reads of the store, want 1", n)
	}
}

// A missing store stays missing for the process; a failed lookup is asked
// again by the next caller instead of failing it too.
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
