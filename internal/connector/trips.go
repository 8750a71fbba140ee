package connector

import (
	"crypto/rand"
	"sync"
)

// tripMemory maps shopping trip ids to purchase ids so that Ordering is
// idempotent. It forgets the oldest trip once it holds limit trips: Amazon's
// retries come within minutes, so a bounded memory is enough.
type tripMemory struct {
	mu    sync.Mutex
	limit int
	ids   map[string]string
	order []string // trip ids, oldest first, as a ring of len limit
	next  int      // where the next trip id goes in order
}

func newTripMemory(limit int) *tripMemory {
	return &tripMemory{limit: limit, ids: make(map[string]string, limit)}
}

// purchase returns the purchase id of the trip, making one on its first call
// (then first is true). The lock spans lookup and insert so that concurrent
// retries of one trip still agree.
func (t *tripMemory) purchase(tripID string) (id string, first bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[tripID]; ok {
		return id, false
	}
	id = newPurchaseID()
	if len(t.order) < t.limit {
		t.order = append(t.order, tripID)
	} else {
		delete(t.ids, t.order[t.next])
		t.order[t.next] = tripID
		t.next = (t.next + 1) % t.limit
	}
	t.ids[tripID] = id
	return id, true
}

func newPurchaseID() string { return "purchase-" + rand.Text() }

func (t *tripMemory) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.ids)
}
