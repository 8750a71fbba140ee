package connector

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func order(t *testing.T, srv *httptest.Server, body string) string {
	t.Helper()
	status, b := post(t, srv, jwo.MethodOrdering, body)
	if status != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", status, b)
	}
	id := decodeInto[jwo.OrderingResponse](t, b).PurchaseID
	if id == "" {
		t.Fatalf("answer %s has no purchaseId", b)
	}
	return id
}

func TestOrderingIsIdempotentOnTheShoppingTrip(t *testing.T) {
	srv := start(t, New(Options{}))
	first := order(t, srv, payload(t, jwo.MethodOrdering, "trip-a"))
	if again := order(t, srv, payload(t, jwo.MethodOrdering, "trip-a")); again != first {
		t.Errorf("retry of trip-a got purchase %q, want %q", again, first)
	}
	if other := order(t, srv, payload(t, jwo.MethodOrdering, "trip-b")); other == first {
		t.Errorf("trip-b got trip-a's purchase %q", other)
	}
}

func TestOrderingEmptyCartIsStillCreated(t *testing.T) {
	srv := start(t, New(Options{}))
	order(t, srv, `{"idempotentShoppingTripId":"empty-1","storeId":"acme-sea-01","cartItems":[]}`)
	order(t, srv, `{"idempotentShoppingTripId":"empty-2","storeId":"acme-sea-01"}`)
}

func TestOrderingConcurrentRetriesAgree(t *testing.T) {
	srv := start(t, New(Options{}))
	body := payload(t, jwo.MethodOrdering, "trip-race")
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, b := post(t, srv, jwo.MethodOrdering, body)
			if status == http.StatusCreated {
				ids[i] = decodeInto[jwo.OrderingResponse](t, b).PurchaseID
			}
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("purchase ids %q differ (index %d)", ids, i)
		}
	}
}

func TestTripMemoryIsBounded(t *testing.T) {
	mem := newTripMemory(3)
	first := mem.purchase("trip-0")
	for i := 1; i < 10; i++ {
		mem.purchase(fmt.Sprintf("trip-%d", i))
		if n := mem.len(); n > 3 {
			t.Fatalf("memory holds %d trips, limit 3", n)
		}
	}
	if got := mem.purchase("trip-9"); got != mem.purchase("trip-9") {
		t.Errorf("the newest trip was forgotten")
	}
	if got := mem.purchase("trip-0"); got == first {
		t.Errorf("the oldest trip was kept beyond the limit")
	}
}
