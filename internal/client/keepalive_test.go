package client

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Ten requests in flight at once (Terraform's default parallelism) leave ten
// connections idle together when they are answered; the next ten requests
// must find them all, not dial again for those beyond a small idle pool.
func TestTenConcurrentCallsKeepTheirConnections(t *testing.T) {
	const callers, rounds = 10, 3
	var conns atomic.Int64
	var mu sync.Mutex
	arrived, release := 0, make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A barrier: nobody is answered until all ten are in flight, so the
		// round really holds ten connections at once.
		mu.Lock()
		arrived++
		gate := release
		if arrived == callers {
			arrived, release = 0, make(chan struct{})
			close(gate)
		}
		mu.Unlock()
		<-gate
		writeJSON(w, http.StatusOK, jwo.Connector{StoreID: "s-1", Method: jwo.MethodIdentity, Version: 1})
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL)

	for range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		for range callers {
			wg.Go(func() {
				if _, err := c.GetConnector(context.Background(), "s-1", jwo.MethodIdentity); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != callers {
		t.Errorf("%d connections for %d rounds of %d concurrent calls; want %d, kept alive", n, rounds, callers, callers)
	}
}
