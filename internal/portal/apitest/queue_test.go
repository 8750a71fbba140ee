package apitest

import (
	"context"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Two replicas on one PostgreSQL, each with one worker held by a silent
// connector, and a third run queued: when one replica stops, the queued run
// stays queued for the other; when the last one stops, it is interrupted,
// since no replica is left to run it. (On SQLite one process serves the
// file and every stop is the last: TestCloseInterruptsRunningAndQueuedRuns.)
func TestQueuedRunsOutliveAReplicaButNotTheLast(t *testing.T) {
	t.Parallel()
	if engine.Name != portaltest.Postgres.Name {
		t.Skip("several replicas share a database on PostgreSQL only")
	}
	ctx := t.Context()
	oneWorker := portaltest.WithOptions(func(o *portal.Options) {
		o.TestWorkers = 1
		o.TestTimeout = time.Minute
	})
	a := portaltest.Start(t, portaltest.WithEngine(engine), oneWorker)
	b := portaltest.Start(t, oneWorker, portaltest.WithEngine(portaltest.Engine{
		Name: "postgres", NewDatabase: func(testing.TB) string { return a.DB },
	}))
	db, err := store.Open(ctx, a.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, _, err := a.Operator.PutConnector(ctx, portaltest.StoreJWO, jwo.MethodIdentity,
		jwo.ConnectorInput{EndpointURL: portaltest.SilentConnector(t), EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
		t.Fatal(err)
	}
	read := func(id string) store.Test {
		t.Helper()
		var run store.Test
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			run, err = tx.Test(ctx, portaltest.Merchant, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return run
	}
	start := func(claimed bool) string {
		t.Helper()
		run, err := a.Operator.StartTest(ctx, portaltest.StoreJWO, jwo.MethodIdentity, "", client.NewIdempotencyKey())
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); claimed && read(run.ID).ReplicaID == ""; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("run %s was not claimed within 20s", run.ID)
			}
		}
		return run.ID
	}
	held1, held2, queued := start(true), start(true), start(false)
	if r := read(queued); r.Status != jwo.TestRunning || r.ReplicaID != "" {
		t.Fatalf("the third run, with both workers held: %s claimed by %q, want queued", r.Status, r.ReplicaID)
	}

	closeReplica := func(tp *portaltest.Portal) {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := tp.Portal.Close(cctx); err != nil {
			t.Fatal(err)
		}
	}
	closeReplica(a)
	if r := read(queued); r.Status != jwo.TestRunning || r.ReplicaID != "" {
		t.Errorf("after one of two replicas stopped, the queued run is %s/%s claimed by %q; want still queued", r.Status, r.Reason, r.ReplicaID)
	}
	closeReplica(b)
	for _, id := range []string{held1, held2, queued} {
		if r := read(id); r.Status != jwo.TestUnsuccessful || r.Reason != jwo.ReasonInterrupted {
			t.Errorf("run %s after the last replica stopped: %s/%s %q, want interrupted", id, r.Status, r.Reason, r.Message)
		}
	}
}
