package portal

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// defaultMaxRunsPerMerchant bounds one merchant's runs queued or running
// (in the database, over every replica): well above Terraform's default
// parallelism of 10, so a plan is never refused, yet small enough that one
// merchant cannot fill the queue.
const defaultMaxRunsPerMerchant = 32

// tooManyRuns is the answer to a run over the merchant's bound.
func (s *Service) tooManyRuns(merchant string) error {
	secs := max(1, int(math.Ceil(s.runs.retryAfter.Seconds())))
	e := newError(KindBusy, "merchant %q has %d connectivity test runs queued or running, the most one merchant may have at once; "+
		"retry after %d s, when one has finished", merchant, s.runs.maxPerMerchant, secs)
	e.Code, e.RetryAfter = "too-many-runs", time.Duration(secs)*time.Second
	return e
}

// StartTest queues a RUNNING run against the saved endpoint, for any
// replica's runner to claim once it is committed: a test started before a new endpoint
// is saved runs against the previously saved one. A repeated idempotency key
// on the same connector answers the run it started, as it is now, without a
// new call, even when the merchant is at its bound of runs in progress: a
// client that lost the first answer can retry safely.
func (s *Service) StartTest(ctx context.Context, c Caller, storeID string, m jwo.Method, in jwo.TestInput, key string) (jwo.ConnectivityTest, error) {
	pr := c.pr
	now := s.now()
	suite, err := jwo.ParseSuite(in.Suite)
	if err != nil {
		return jwo.ConnectivityTest{}, invalidField("suite", "%v", err)
	}
	var run store.Test
	started := false
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		started = false // the store may run this again (store.DB.Write)
		if _, err := storeFor(ctx, tx, c, storeID, WriteConnectors); err != nil {
			return err
		}
		if key != "" {
			prev, err := tx.TestByKey(ctx, pr.merchant, storeID, m, key)
			if err == nil {
				if prev.SKU != in.SKU || prev.Suite != suite {
					return conflict("idempotency-key-reused", "Idempotency-Key %q already started run %s (suite %s, sku %q): use a new key for another request",
						key, prev.ID, prev.Suite, prev.SKU)
				}
				run = prev
				return nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		sc, err := tx.Connector(ctx, pr.merchant, storeID, m)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("store %q has no saved %s connector to test: save one with PUT %s first", storeID, m, connectorPath(storeID, m))
		}
		if err != nil {
			return err
		}
		if err := checkTestSKU(ctx, tx, pr.merchant, storeID, m, in.SKU); err != nil {
			return err
		}
		// Counted in the database, over every replica, after a retry of a
		// run that exists was answered: it is no new run.
		n, err := tx.RunsInProgress(ctx, pr.merchant)
		if err != nil {
			return err
		}
		if n >= s.runs.maxPerMerchant {
			return s.tooManyRuns(pr.merchant)
		}
		run, err = tx.InsertTest(ctx, store.Test{
			ConnectivityTest: jwo.ConnectivityTest{
				ID: uuid.NewString(), StoreID: storeID, Method: m, SKU: in.SKU, Suite: suite, Cases: []jwo.Case{},
				EndpointURL: sc.EndpointURL, EndpointType: sc.EndpointType,
				Status: jwo.TestRunning, StartedAt: now, TriggeredBy: pr.name,
			},
			MerchantID: pr.merchant, ConnectorUID: sc.UID, ConnectorVersion: sc.Version, IdempotencyKey: key,
		})
		if err != nil {
			return err
		}
		if err := tx.SetLastTest(ctx, pr.merchant, storeID, m, sc.UID, run.ID); err != nil {
			return err
		}
		started = true
		return recordChange(ctx, tx, change{merchant: pr.merchant, actor: pr.actor(), action: jwo.ActionTestStart,
			storeID: storeID, method: m, after: run.ConnectivityTest, at: now})
	})
	if err != nil {
		return jwo.ConnectivityTest{}, err
	}
	if started && s.queued != nil {
		s.queued()
	}
	return run.ConnectivityTest, nil
}

// checkTestSKU refuses, before any call is made, an Ordering test without a
// SKU of the store's catalog, and a SKU on a method that sends none.
func checkTestSKU(ctx context.Context, tx *store.Tx, merchant, storeID string, m jwo.Method, sku string) error {
	if err := jwo.CheckTestSKU(m, sku != ""); err != nil {
		return invalidField("sku", "%s", err)
	}
	if !m.TakesSKU() {
		return nil
	}
	_, err := tx.CatalogItem(ctx, merchant, storeID, sku)
	if errors.Is(err, store.ErrNotFound) {
		return invalidField("sku", "sku %q is not in the catalog of store %q: add it with PUT /v1/stores/%s/catalog/items/{sku} or use one that is", sku, storeID, storeID)
	}
	return err
}

// Tests lists the runs of one connector, newest first, at most limit.
func (s *Service) Tests(ctx context.Context, c Caller, storeID string, m jwo.Method, limit int) ([]jwo.ConnectivityTest, error) {
	list := []jwo.ConnectivityTest{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := storeFor(ctx, tx, c, storeID, 0); err != nil {
			return err
		}
		runs, err := tx.Tests(ctx, c.pr.merchant, storeID, m, limit)
		for _, run := range runs {
			list = append(list, run.ConnectivityTest)
		}
		return err
	})
	return list, err
}

// Test reads one run of the caller's merchant.
func (s *Service) Test(ctx context.Context, c Caller, id string) (jwo.ConnectivityTest, error) {
	missing := notFound("test run %q does not exist", id)
	if _, err := uuid.Parse(id); err != nil {
		return jwo.ConnectivityTest{}, missing
	}
	var run store.Test
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		run, err = tx.Test(ctx, c.pr.merchant, id)
		if errors.Is(err, store.ErrNotFound) {
			return missing
		}
		return err
	})
	return run.ConnectivityTest, err
}

// TestsByID reads several runs of the caller's merchant at once, ordered by
// id, for a client that refreshes many runs (the provider's plan). An id of
// no run, or of another merchant's run, is simply not in the answer, as
// GET /v1/tests/{test_id} answers 404 for both: the answer never tells which
// runs exist elsewhere. At most jwo.MaxFilterTestIDs distinct ids.
func (s *Service) TestsByID(ctx context.Context, c Caller, ids []string) ([]jwo.ConnectivityTest, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) > jwo.MaxFilterTestIDs {
		return nil, badRequest("test_id lists %d run ids; the limit is %d: split the list over several calls", len(ids), jwo.MaxFilterTestIDs)
	}
	for _, id := range ids {
		if err := jwo.ValidateTestID(id); err != nil {
			return nil, badRequest("test_id: %v", err)
		}
	}
	return s.readTests(ctx, func(tx *store.Tx) ([]store.Test, error) { return tx.TestsByID(ctx, c.pr.merchant, ids) })
}

// MaxRecentRuns bounds RecentTests: as many runs as a page of the
// merchant's connectors holds connectors.
const MaxRecentRuns = MaxPageSize

// RecentTests lists the caller's merchant's latest runs, of every store and
// method, newest first, at most limit: the runs a plan right after an apply
// refreshes are among them.
func (s *Service) RecentTests(ctx context.Context, c Caller, limit int) ([]jwo.ConnectivityTest, error) {
	limit = max(1, min(limit, MaxRecentRuns))
	return s.readTests(ctx, func(tx *store.Tx) ([]store.Test, error) { return tx.RecentTests(ctx, c.pr.merchant, limit) })
}

// readTests answers the API fields of the runs that query reads.
func (s *Service) readTests(ctx context.Context, query func(*store.Tx) ([]store.Test, error)) ([]jwo.ConnectivityTest, error) {
	list := []jwo.ConnectivityTest{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		runs, err := query(tx)
		for _, run := range runs {
			list = append(list, run.ConnectivityTest)
		}
		return err
	})
	return list, err
}

// WaitTest reads a run like Test and, while it is RUNNING, waits up to wait
// for it to finish, woken when it does on any replica rather than by
// polling. waited says whether the answer honours the wait (the run was
// finished, or could be waited for); a shutdown ends every wait at once.
func (s *Service) WaitTest(ctx context.Context, c Caller, id string, wait time.Duration) (run jwo.ConnectivityTest, waited bool, err error) {
	var done <-chan struct{}
	if wait > 0 {
		// Taken before the read: a run that finishes in between has closed
		// it, and the read below then sees the outcome.
		ch, stop := s.finishes.watch(id)
		defer stop()
		done = ch
	}
	if run, err = s.Test(ctx, c, id); err != nil || wait <= 0 || run.Status.Finished() {
		return run, err == nil && wait > 0, err
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	if s.parked != nil {
		s.parked()
	}
	select {
	case <-done:
	case <-timer.C:
	case <-s.draining:
	case <-ctx.Done():
		return run, false, ctx.Err()
	}
	run, err = s.Test(ctx, c, id)
	return run, err == nil, err
}
