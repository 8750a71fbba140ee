package portal

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

const (
	defaultTestList = 20
	maxTestList     = 100
)

func testLocation(id string) string { return "/v1/tests/" + id }

// StartTest queues a RUNNING run against the saved endpoint, for any
// replica's runner to claim once it is committed: a test started before a new endpoint
// is saved runs against the previously saved one. A repeated idempotency key
// on the same connector answers the run it started, as it is now, without a
// new call, even when the merchant is at its bound of runs in progress: a
// client that lost the first answer can retry safely.
func (s *Service) StartTest(ctx context.Context, c Caller, storeID string, m jwo.Method, in jwo.TestInput, key string) (jwo.ConnectivityTest, error) {
	pr := c.pr
	now := s.p.now()
	var run store.Test
	started := false
	err := s.p.db.Write(ctx, func(tx *store.Tx) error {
		started = false // the store may run this again (store.DB.Write)
		if _, err := loadStore(ctx, tx, pr.merchant, storeID); err != nil {
			return err
		}
		if err := requireConnectorWriter(pr); err != nil {
			return err
		}
		if key != "" {
			prev, err := tx.TestByKey(ctx, pr.merchant, storeID, m, key)
			if err == nil {
				if prev.SKU != in.SKU {
					return conflict("idempotency-key-reused", "Idempotency-Key %q already started run %s with sku %q: use a new key for another request", key, prev.ID, prev.SKU)
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
			return notFound("store %q has no saved %s connector to test: save one with PUT %s first", storeID, m, connectorLocation(storeID, m))
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
		if n >= s.p.opts.MaxRunsPerMerchant {
			return s.p.tooManyRuns(pr.merchant)
		}
		run, err = tx.InsertTest(ctx, store.Test{
			ConnectivityTest: jwo.ConnectivityTest{
				ID: uuid.NewString(), StoreID: storeID, Method: m, SKU: in.SKU,
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
	if started {
		s.p.runner.queued()
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
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, c.pr.merchant, storeID); err != nil {
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
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		run, err = tx.Test(ctx, c.pr.merchant, id)
		if errors.Is(err, store.ErrNotFound) {
			return missing
		}
		return err
	})
	return run.ConnectivityTest, err
}
