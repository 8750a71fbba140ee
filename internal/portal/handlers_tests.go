package portal

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

const (
	defaultTestList = 20
	maxTestList     = 100
	maxIdemKeyLen   = 255
)

func testLocation(id string) string { return "/v1/tests/" + id }

func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if len(k) > maxIdemKeyLen {
		return "", badRequest("Idempotency-Key is %d characters long; the limit is %d", len(k), maxIdemKeyLen)
	}
	for _, c := range k {
		if c > unicode.MaxASCII || !unicode.IsPrint(c) {
			return "", badRequest("Idempotency-Key must be printable ASCII, such as a UUID")
		}
	}
	return k, nil
}

// startTest records a RUNNING run against the saved endpoint and hands it to
// the runner once the run is committed. A repeated Idempotency-Key on the
// same connector answers the run it started, as it is now, without a new
// call: a client that lost the first answer can retry safely.
func (p *Portal) startTest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr, id, m, err := p.connectorWriteTarget(r)
	if err != nil {
		return err
	}
	var in jwo.TestInput
	if err := decodeJSON(r, &in, true); err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	now := p.now()
	var run store.Test
	started := false
	err = p.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, pr.merchant, id); err != nil {
			return err
		}
		if key != "" {
			prev, err := tx.TestByKey(ctx, pr.merchant, id, m, key)
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
		c, err := tx.Connector(ctx, pr.merchant, id, m)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("store %q has no saved %s connector to test: save one with PUT %s first", id, m, connectorLocation(id, m))
		}
		if err != nil {
			return err
		}
		if err := checkTestSKU(ctx, tx, pr.merchant, id, m, in.SKU); err != nil {
			return err
		}
		run, err = tx.InsertTest(ctx, store.Test{
			ConnectivityTest: jwo.ConnectivityTest{
				ID: uuid.NewString(), StoreID: id, Method: m, SKU: in.SKU,
				EndpointURL: c.EndpointURL, EndpointType: c.EndpointType,
				Status: jwo.TestRunning, StartedAt: now, TriggeredBy: pr.name,
			},
			MerchantID: pr.merchant, ConnectorUID: c.UID, ConnectorVersion: c.Version, IdempotencyKey: key,
		})
		if err != nil {
			return err
		}
		if err := tx.SetLastTest(ctx, pr.merchant, id, m, c.UID, run.ID); err != nil {
			return err
		}
		started = true
		return recordChange(ctx, tx, change{merchant: pr.merchant, actor: pr.name, action: jwo.ActionTestStart,
			storeID: id, method: m, after: run.ConnectivityTest, at: now})
	})
	if err != nil {
		return err
	}
	if started {
		p.runner.start(run)
	}
	w.Header().Set("Location", testLocation(run.ID))
	return writeJSON(w, http.StatusAccepted, run.ConnectivityTest)
}

// checkTestSKU refuses, before any call is made, an Ordering test without a
// SKU of the store's catalog, and a SKU on a method that sends none.
func checkTestSKU(ctx context.Context, tx *store.Tx, merchant, storeID string, m jwo.Method, sku string) error {
	if m != jwo.MethodOrdering {
		if sku != "" {
			return invalidField("sku", "sku applies only to ORDERING tests; a %s test sends no cart: leave sku out", m)
		}
		return nil
	}
	if sku == "" {
		return invalidField("sku", "an ORDERING test needs the sku of an item in the catalog of store %q", storeID)
	}
	_, err := tx.CatalogItem(ctx, merchant, storeID, sku)
	if errors.Is(err, store.ErrNotFound) {
		return invalidField("sku", "sku %q is not in the catalog of store %q: add it with PUT /v1/stores/%s/catalog/items/{sku} or use one that is", sku, storeID, storeID)
	}
	return err
}

func (p *Portal) listTests(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	id := r.PathValue("store_id")
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	q, err := queryParams(r, "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", defaultTestList, maxTestList)
	if err != nil {
		return err
	}
	list := jwo.TestList{Tests: []jwo.ConnectivityTest{}}
	err = p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, pr.merchant, id); err != nil {
			return err
		}
		runs, err := tx.Tests(ctx, pr.merchant, id, m, limit)
		for _, run := range runs {
			list.Tests = append(list.Tests, run.ConnectivityTest)
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list)
}

func (p *Portal) getTest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	id := r.PathValue("test_id")
	missing := notFound("test run %q does not exist", id)
	if _, err := uuid.Parse(id); err != nil {
		return missing
	}
	wait := preferredWait(r)
	var done <-chan struct{}
	if wait > 0 {
		// Taken before the read: a run that finishes in between has closed
		// it, and the read below then sees the outcome.
		done = p.runner.finished(id)
	}
	read := func() (store.Test, error) {
		var run store.Test
		err := p.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			run, err = tx.Test(ctx, pr.merchant, id)
			if errors.Is(err, store.ErrNotFound) {
				return missing
			}
			return err
		})
		return run, err
	}
	run, err := read()
	if err != nil {
		return err
	}
	if wait > 0 && (done != nil || run.Status.Finished()) {
		w.Header().Set("Preference-Applied", "wait="+strconv.Itoa(int(wait/time.Second)))
	}
	if done != nil && !run.Status.Finished() {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		if p.parked != nil {
			p.parked()
		}
		select {
		case <-done:
		case <-timer.C:
		case <-p.draining:
		case <-ctx.Done():
			return ctx.Err()
		}
		if run, err = read(); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, run.ConnectivityTest)
}
