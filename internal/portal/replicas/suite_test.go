package replicas

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// holdSecond is the sample connector behind a counter of requests that
// holds the second request until the test ends.
type holdSecond struct {
	next    http.Handler
	release chan struct{}
	mu      sync.Mutex
	paths   []string
	second  chan struct{}
}

func (h *holdSecond) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.paths = append(h.paths, r.URL.Path)
	n := len(h.paths)
	h.mu.Unlock()
	if n == 2 {
		close(h.second)
		<-h.release
		return
	}
	h.next.ServeHTTP(w, r)
}

func (h *holdSecond) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.paths...)
}

// A CONFORMANCE suite whose replica is killed in the middle is finished as
// interrupted by another replica once the lease runs out, and no case is
// sent twice: neither the one answered nor the one in flight.
func TestSuiteOfAKilledReplicaIsInterruptedAndNoCaseIsSentAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	fx := newFixture(t, db, 1)
	h := &holdSecond{next: connector.New(connector.Options{}), release: make(chan struct{}), second: make(chan struct{})}
	defer close(h.release)
	conn := portaltest.Serve(t, h)

	a := startReplica(t, "replica-suite", db, "--test-timeout", "60s")
	store := fx.stores[0]
	if got := do(http.MethodPut, a.url+connectorPath(store, jwo.MethodIdentity), fx.operator, connectorBody(conn.URL)); got.status != http.StatusCreated {
		t.Fatalf("PUT the connector: %d %s %v", got.status, got.body, got.err)
	}
	started := do(http.MethodPost, a.url+connectorPath(store, jwo.MethodIdentity)+"/tests", fx.operator, `{"suite":"CONFORMANCE"}`)
	if started.status != http.StatusAccepted {
		t.Fatalf("POST the suite: %d %s %v", started.status, started.body, started.err)
	}
	var run jwo.ConnectivityTest
	started.json(t, &run)
	select {
	case <-h.second:
	case <-time.After(30 * time.Second):
		t.Fatalf("the suite's second case never reached the connector; requests %v", h.requests())
	}
	a.kill(t)

	b := startReplica(t, "replica-after", db)
	pg, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pg.Close(ctx) }()
	for deadline := time.Now().Add(30 * time.Second); !run.Status.Finished(); {
		if time.Now().After(deadline) {
			t.Fatalf("the killed replica's suite is still %s after 30s", run.Status)
		}
		if got := do(http.MethodGet, b.url+"/v1/tests/"+run.ID, fx.operator, "", "Prefer", "wait=5"); got.status == http.StatusOK {
			got.json(t, &run)
		}
	}
	if run.Reason != jwo.ReasonInterrupted {
		t.Errorf("the suite of the killed replica ended %s %s %q, want interrupted", run.Status, run.Reason, run.Message)
	}
	// Two more leases: time enough for any replica to take it up again.
	time.Sleep(2 * lease)
	if got := h.requests(); len(got) != 2 {
		t.Errorf("the connector got %d requests %v, want the 2 sent before the kill", len(got), got)
	}
}
