package replicas

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// busyWorkers is the size of a replica's worker pool (portal's default).
const busyWorkers = 16

// A run accepted by a replica whose every worker is held by a merchant's
// silent connector is claimed from the database by another replica, told
// of it by the queue's announcement, and finishes SUCCESSFUL against the
// sample connector there, while the busy replica's calls still hang.
func TestRunAcceptedByABusyReplicaRunsOnAnother(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	fx := newFixture(t, db, 2)
	sample := portaltest.StartConnector(t)
	// The busy replica's calls outlast the test: its workers stay held.
	busy := startReplica(t, "replica-busy", db, "--test-timeout", "60s")
	silentStore, sampleStore := fx.stores[0], fx.stores[1]
	for store, url := range map[string]string{silentStore: portaltest.SilentConnector(t), sampleStore: sample.URL} {
		if a := do(http.MethodPut, busy.url+connectorPath(store, jwo.MethodIdentity), fx.operator, connectorBody(url)); a.status != http.StatusCreated {
			t.Fatalf("PUT the connector of %s: %d %s %v", store, a.status, a.body, a.err)
		}
	}
	pg, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pg.Close(ctx) }()
	var busyID string
	if err := pg.QueryRow(ctx, `SELECT id FROM replicas`).Scan(&busyID); err != nil {
		t.Fatalf("the one replica's id: %v", err)
	}

	// Alone, the busy replica claims every silent run: all its workers hang.
	for range busyWorkers {
		if a := do(http.MethodPost, busy.url+connectorPath(silentStore, jwo.MethodIdentity)+"/tests", fx.operator, ""); a.status != http.StatusAccepted {
			t.Fatalf("POST a silent run: %d %s %v", a.status, a.body, a.err)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var held int
		if err := pg.QueryRow(ctx, `SELECT count(*) FROM tests WHERE status = 'RUNNING' AND replica_id = $1`, busyID).Scan(&held); err != nil {
			t.Fatal(err)
		}
		if held == busyWorkers {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the busy replica claimed %d silent runs in 30s, want %d", held, busyWorkers)
		}
	}

	other := startReplica(t, "replica-free", db)
	// Its workers claim once as they start, then sleep: the run below must
	// reach them through the queue's announcement, not that first look.
	time.Sleep(time.Second)
	a := do(http.MethodPost, busy.url+connectorPath(sampleStore, jwo.MethodIdentity)+"/tests", fx.operator, "")
	if a.status != http.StatusAccepted {
		t.Fatalf("POST the sample run to the busy replica: %d %s %v", a.status, a.body, a.err)
	}
	var run jwo.ConnectivityTest
	a.json(t, &run)
	for deadline := time.Now().Add(30 * time.Second); !run.Status.Finished(); {
		if time.Now().After(deadline) {
			t.Fatalf("the run accepted by the busy replica is still %s after 30s: no other replica ran it", run.Status)
		}
		if a := do(http.MethodGet, other.url+"/v1/tests/"+run.ID, fx.operator, "", "Prefer", "wait=5"); a.status == http.StatusOK {
			a.json(t, &run)
		}
	}
	if run.Status != jwo.TestSuccessful {
		t.Errorf("the run finished %s/%s %q, want SUCCESSFUL against the sample connector", run.Status, run.Reason, run.Message)
	}
	var claimer string
	if err := pg.QueryRow(ctx, `SELECT replica_id FROM tests WHERE id = $1`, run.ID).Scan(&claimer); err != nil {
		t.Fatal(err)
	}
	if claimer == busyID || claimer == "" {
		t.Errorf("the run was claimed by %q, want the free replica (the busy one is %s)", claimer, busyID)
	}
}
