package portal

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

// holdingTester holds every call until it is cancelled, and counts them.
type holdingTester struct{ calls atomic.Int64 }

func (h *holdingTester) Run(ctx context.Context, c tester.Call) tester.Result {
	h.calls.Add(1)
	<-ctx.Done()
	return tester.Result{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonTimeout, Message: ctx.Err().Error()}
}

// openHoldingOneCall is a portal (openTestPortal) with one worker whose
// calls last until they are cancelled; it returns once a first ORDERING
// run's call is being made.
func openHoldingOneCall(t *testing.T) (p *Portal, op Caller, running jwo.ConnectivityTest) {
	t.Helper()
	held := &holdingTester{}
	tp := openTestPortal(t, func(o *Options) { o.Tester, o.TestWorkers, o.TestTimeout = held, 1, time.Minute })
	op = tp.callers["operator"]
	tp.saveOrdering(t)
	running = startOrderingRun(t, tp.svc, op)
	for deadline := time.Now().Add(5 * time.Second); held.calls.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the first run's call was never made")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return tp.Portal, op, running
}

func startOrderingRun(t *testing.T, svc *Service, op Caller) jwo.ConnectivityTest {
	t.Helper()
	run, err := svc.StartTest(t.Context(), op, dashStore, jwo.MethodOrdering, jwo.TestInput{SKU: "WATER-500"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// A claim whose commit the replica could not confirm took a run that no
// worker here runs: the next renewal finishes it as interrupted, and leaves
// the runs its workers are making alone.
func TestRunOfALostClaimIsInterrupted(t *testing.T) {
	p, op, running := openHoldingOneCall(t)
	svc := p.Service()
	ctx := t.Context()
	queued := startOrderingRun(t, svc, op)
	// The claim of the queued run commits, as if its answer had been lost.
	if err := p.db.Write(ctx, func(tx *store.Tx) error {
		run, err := tx.ClaimTest(ctx, p.replicaID)
		if err == nil && run.ID != queued.ID {
			t.Errorf("claimed %s, want the queued run %s", run.ID, queued.ID)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	read := func(id string) jwo.ConnectivityTest {
		t.Helper()
		run, err := svc.Test(ctx, op, id)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	if err := p.runner.recoverLostClaims(ctx); err != nil {
		t.Fatal(err)
	}
	if got := read(queued.ID); got.Status != jwo.TestRunning {
		t.Fatalf("with no claim reported lost, the run was finished: %+v", got)
	}
	p.runner.claimLost.Store(true)
	if err := p.runner.recoverLostClaims(ctx); err != nil {
		t.Fatal(err)
	}
	if got := read(queued.ID); got.Reason != jwo.ReasonInterrupted || got.Message != interruptedLostClaim {
		t.Errorf("the run of the lost claim: %+v, want interrupted", got)
	}
	if got := read(running.ID); got.Status != jwo.TestRunning {
		t.Errorf("the run a worker is making was finished: %+v", got)
	}
}
