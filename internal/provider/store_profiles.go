package provider

import (
	"context"
	"sync"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// providerData is what Configure hands every resource and data source: the
// API client and the lookups shared for the life of one provider process,
// i.e. one Terraform operation (plan, apply) of one configuration.
type providerData struct {
	client *client.Client
	stores *storeProfiles
}

// storeProfiles reads each store at most once per provider process for the
// plan-time check of jwo_store_connector, so the four connectors of a store
// share one GET /v1/stores/{id} instead of making four. Terraform starts a
// provider process for the plan walk and another for the apply walk, so an
// apply reads each new connector's store once in each. Concurrent lookups of
// one store wait for the same request.
//
// It is a plan-time check only: reads and refreshes never use it, and the
// PUT of the apply is checked by the portal again, so a store changed
// during the operation is still caught there.
type storeProfiles struct {
	c  *client.Client
	mu sync.Mutex
	m  map[string]*storeLookup
}

type storeLookup struct {
	done  chan struct{}
	store jwo.Store
	err   error
}

func newStoreProfiles(c *client.Client) *storeProfiles {
	return &storeProfiles{c: c, m: map[string]*storeLookup{}}
}

// get returns the store, from the first lookup of it in this process. A
// failure other than 404 is not kept: the next caller asks again.
func (s *storeProfiles) get(ctx context.Context, storeID string) (jwo.Store, error) {
	s.mu.Lock()
	l, ok := s.m[storeID]
	if !ok {
		l = &storeLookup{done: make(chan struct{})}
		s.m[storeID] = l
	}
	s.mu.Unlock()
	if ok {
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
