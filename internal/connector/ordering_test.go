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

// A retry of a trip gets the trip's purchase again, also after other trips
// came in between; another trip gets another purchase.
func TestOrderingIsIdempotentOnTheShoppingTrip(t *testing.T) {
	srv := start(t, New(Options{}))
	first := order(t, srv, payload(t, jwo.MethodOrdering, "trip-a"))
	if again := order(t, srv, payload(t, jwo.MethodOrdering, "trip-a")); again != first {
		t.Errorf("retry of trip-a got purchase %q, want %q", again, first)
	}
	others := map[string]string{}
	for _, trip := range []string{"trip-b", "trip-c", "trip-d"} {
		others[trip] = order(t, srv, payload(t, jwo.MethodOrdering, trip))
		if others[trip] == first {
			t.Errorf("%s got trip-a's purchase %q", trip, first)
		}
	}
	if again := order(t, srv, payload(t, jwo.MethodOrdering, "trip-a")); again != first {
		t.Errorf("retry of trip-a after three other trips got purchase %q, want %q", again, first)
	}
	for trip, id := range others {
		if again := order(t, srv, payload(t, jwo.MethodOrdering, trip)); again != id {
			t.Errorf("retry of %s got purchase %q, want %q", trip, again, id)
		}
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

// The memory keeps exactly the newest limit trips, each with its purchase,
// and forgets every older one.
func TestTripMemoryIsBounded(t *testing.T) {
	const limit, trips = 3, 10
	mem := newTripMemory(limit)
	ids := make([]string, trips)
	for i := range trips {
		ids[i], _ = mem.purchase(fmt.Sprintf("trip-%d", i))
		if n := mem.len(); n != min(i+1, limit) {
			t.Fatalf("after %d trips the memory holds %d, want %d", i+1, n, min(i+1, limit))
		}
	}
	// Asking for a remembered trip changes nothing, so check those first.
	for i := trips - limit; i < trips; i++ {
		if got, _ := mem.purchase(fmt.Sprintf("trip-%d", i)); got != ids[i] {
			t.Errorf("trip-%d, one of the newest %d, was forgotten: purchase %q, want %q", i, limit, got, ids[i])
		}
	}
	for _, i := range []int{trips - limit - 1, 0} {
		if got, _ := mem.purchase(fmt.Sprintf("trip-%d", i)); got == ids[i] {
			t.Errorf("trip-%d was kept beyond the limit of %d", i, limit)
		}
	}
}
