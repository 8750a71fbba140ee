package portal

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
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

// openHoldingOneCall is a portal with one worker whose calls last until
// they are cancelled, a store whose ORDERING connector is saved, and an
// operator of its merchant; it returns once a first run's call is made.
func openHoldingOneCall(t *testing.T) (p *Portal, op Caller, running jwo.ConnectivityTest) {
	t.Helper()
	ctx := t.Context()
	db := filepath.Join(t.TempDir(), "portal.db")
	var token string
	err := Administer(ctx, db, func(svc *Service) error {
		err := svc.ApplySeed(ctx, seed.File{Merchants: []seed.Merchant{{ID: "acme", Stores: []seed.Store{{
			StoreProfile: jwo.StoreProfile{ID: "acme-dash-01", Name: "Acme Dash 1", StoreType: jwo.StoreTypeDashCart, Region: "us-west-2",
				EntryMethods: []jwo.EntryMethod{}, FraudAndAbuseStrategy: jwo.FraudAmazonManaged, OrderDelegation: true},
			Catalog: []jwo.CatalogItem{{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Water"}},
		}}}}})
		if err != nil {
			return err
		}
		token, _, err = svc.IssueToken(ctx, TokenSpec{Merchant: "acme", Role: jwo.RoleOperator, Name: "otto-operator"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	held := &holdingTester{}
	p, err = Open(ctx, Options{DBPath: db, Dev: true, Tester: held, TestWorkers: 1, TestTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = p.Close(cctx)
	})
	svc := p.Service()
	if op, err = svc.Authenticate(ctx, token, ""); err != nil {
		t.Fatal(err)
	}
	in := jwo.ConnectorInput{EndpointURL: "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod", EndpointType: jwo.EndpointPublic}
	if _, _, err := svc.PutConnector(ctx, op, "acme-dash-01", jwo.MethodOrdering, in, Preconditions{}); err != nil {
		t.Fatal(err)
	}
	running = startOrderingRun(t, svc, op)
	for deadline := time.Now().Add(5 * time.Second); held.calls.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the first run's call was never made")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return p, op, running
}

func startOrderingRun(t *testing.T, svc *Service, op Caller) jwo.ConnectivityTest {
	t.Helper()
	run, err := svc.StartTest(t.Context(), op, "acme-dash-01", jwo.MethodOrdering, jwo.TestInput{SKU: "WATER-500"}, "")
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
