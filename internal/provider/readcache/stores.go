package readcache

import (
	"context"
	"sync"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// storePageSize is the largest page GET /v1/stores serves: a merchant of up
// to that many stores is known from one request.
const storePageSize = 1000

// Stores reads each store at most once per provider configuration for
// the plan-time check of jwo_store_connector. The first lookup lists the
// merchant's first page of stores (storePageSize of them), so the stores of a
// whole configuration usually cost one request per walk; a store not on that
// page is read on its own, and the four connectors of a store share that read.
// Terraform starts a provider process for the plan walk and another for the
// apply walk, so an apply pays this once in each. Concurrent lookups wait for
// the same request.
//
// It is a plan-time check only: reads and refreshes never use it, and the
// PUT of the apply is checked by the portal again, so a store changed
// during the operation is still caught there. A store missing from the page
// is read on its own, so a 404 always comes from the portal's answer for
// that store, never from a listing.
type Stores struct {
	c  *client.Client
	mu sync.Mutex
	m  map[string]*storeLookup

	listing *storeLookup // the first page; nil until a lookup starts it

	// waiting, when set (tests only), is called as a caller starts waiting
	// for another caller's request: the listing or the read of a store.
	waiting func()
}

type storeLookup struct {
	done  chan struct{}
	store jwo.Store
	err   error
}

// NewStores is the store lookup of one provider configuration, over c.
func NewStores(c *client.Client) *Stores {
	return &Stores{c: c, m: map[string]*storeLookup{}}
}

// Get returns the store, from the first lookup of it in this process. A
// failure other than 404 is not kept: the next caller asks again.
func (s *Stores) Get(ctx context.Context, storeID string) (jwo.Store, error) {
	if err := s.listFirstPage(ctx); err != nil {
		return jwo.Store{}, err
	}
	s.mu.Lock()
	l, ok := s.m[storeID]
	if !ok {
		l = &storeLookup{done: make(chan struct{})}
		s.m[storeID] = l
	}
	waiting := s.waiting
	s.mu.Unlock()
	if ok {
		if waiting != nil {
			waiting()
		}
		select {
		case <-l.done:
			return l.store, l.err
		case <-ctx.Done():
			return jwo.Store{}, ctx.Err()
		}
	}

	l.store, l.err = s.c.GetStore(ctx, storeID)
	if l.err != nil && !client.IsNotFound(l.err) {
		s.mu.Lock()
		delete(s.m, storeID)
		s.mu.Unlock()
	}
	close(l.done)
	return l.store, l.err
}

// listFirstPage fills the lookups with the merchant's first page of stores,
// once; concurrent callers wait for it. A failed listing is forgotten (the
// stores are then read one by one, and the next lookup lists again), so it
// fails only the caller whose context ended.
func (s *Stores) listFirstPage(ctx context.Context) error {
	s.mu.Lock()
	l := s.listing
	lead := l == nil
	if lead {
		l = &storeLookup{done: make(chan struct{})}
		s.listing = l
	}
	waiting := s.waiting
	s.mu.Unlock()
	if !lead {
		if waiting != nil {
			waiting()
		}
		select {
		case <-l.done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	page, err := s.c.ListStores(ctx, client.StoreFilter{PageSize: storePageSize}, "")
	s.mu.Lock()
	if err != nil {
		s.listing = nil
	} else {
		for _, st := range page.Stores {
			if _, ok := s.m[st.ID]; !ok {
				done := make(chan struct{})
				close(done)
				s.m[st.ID] = &storeLookup{done: done, store: st}
			}
		}
	}
	s.mu.Unlock()
	close(l.done)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}
