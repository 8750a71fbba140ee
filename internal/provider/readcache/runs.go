package readcache

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// recentTestsPage is how many of the merchant's latest runs the first
// request of a walk asks for: the most GET /v1/tests?limit= serves.
const recentTestsPage = 1000

// runGet reads one run (GET /v1/tests/{id}).
type runGet func(ctx context.Context, id string) (jwo.ConnectivityTest, error)

// runHint is what a waiting Read of a run learns: the run, or that it must
// ask the portal itself (absent from the answer, or the request failed).
type runHint struct {
	run   jwo.ConnectivityTest
	found bool
}

// Runs serves the Reads of jwo_connectivity_test of one provider
// configuration (one Terraform walk) as Connectors serves those of
// jwo_store_connector: its first request lists the merchant's latest runs
// (GET /v1/tests?limit=1000: the runs of a plan right after its apply are
// there), then batches of the runs that Reads still wait for
// (GET /v1/tests?test_id=..., up to 100), gathered as the batches of
// Connectors are. PERFORMANCE.md ("Batched refresh") gives the figures. Its
// rules are those of Connectors:
//
//   - everything it holds was fetched after Configure made it;
//   - a Create of this process puts its own answer in, and a request sent
//     before that Create never overwrites it;
//   - each entry is handed out once: a second Read of a run asks the portal;
//   - a run absent from an answer is read on its own, so a 404 (the resource
//     leaves the state) always comes from the portal's answer for that run;
//   - a failed request (a portal without GET /v1/tests, say) turns the cache
//     off: every Read is then its own GET, as without it.
type Runs struct {
	recent func(ctx context.Context, limit int) ([]jwo.ConnectivityTest, error)
	batch  func(ctx context.Context, ids []string) ([]jwo.ConnectivityTest, error)
	get    runGet
	page   int // how many latest runs to ask for: recentTestsPage

	mu      sync.Mutex
	seq     uint64                          // counts requests sent and Creates made
	entries map[string]jwo.ConnectivityTest // fetched or created, not yet handed out
	writes  map[string]uint64               // seq of this process's Create of each run
	served  map[string]bool                 // handed out already, or decided absent
	waiting waiters[string, runHint]        // Reads waiting for a request
	listed  bool                            // the latest runs have been asked for
	whole   bool                            // they were every run of the merchant
	off     bool                            // a request failed: every Read is a GET
}

// NewRuns is the run cache of one provider configuration, over c.
func NewRuns(c *client.Client) *Runs {
	tc := &Runs{
		recent:  c.RecentTests,
		batch:   c.GetTests,
		get:     c.GetTest,
		page:    recentTestsPage,
		entries: map[string]jwo.ConnectivityTest{},
		writes:  map[string]uint64{},
		served:  map[string]bool{},
	}
	tc.waiting = newWaiters[string, runHint](&tc.mu)
	return tc
}

// Read returns the run as the portal holds it, with GetTest's errors (a 404
// is client.IsNotFound).
func (c *Runs) Read(ctx context.Context, id string) (jwo.ConnectivityTest, error) {
	c.mu.Lock()
	// An id that is not a run id (an import's typo) cannot go in a batch,
	// which would refuse it whole: its own GET answers 404.
	if c.off || c.served[id] || jwo.ValidateTestID(id) != nil {
		c.mu.Unlock()
		return c.get(ctx, id)
	}
	if h, ok := c.lookup(id, c.whole); ok {
		c.mu.Unlock()
		return c.answer(ctx, id, h)
	}
	h, err := c.waiting.wait(ctx, id, c.fetchLoop)
	if err != nil {
		return jwo.ConnectivityTest{}, err
	}
	return c.answer(ctx, id, h)
}

func (c *Runs) answer(ctx context.Context, id string, h runHint) (jwo.ConnectivityTest, error) {
	if h.found {
		return h.run, nil
	}
	return c.get(ctx, id)
}

// lookup decides id from what is held, or from absent (an answer that would
// have held it did not): ok is false while nothing can tell. A decided id
// counts as served. Call with c.mu held.
func (c *Runs) lookup(id string, absent bool) (runHint, bool) {
	if run, ok := c.entries[id]; ok {
		delete(c.entries, id)
		c.served[id] = true
		return runHint{run: run, found: true}, true
	}
	if absent {
		c.served[id] = true
		return runHint{}, true
	}
	return runHint{}, false
}

// Created records the answer of a Create of this process: the next Read of
// the run gets it, and no request sent before it overrides it.
func (c *Runs) Created(run jwo.ConnectivityTest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.writes[run.ID] = c.seq
	c.entries[run.ID] = run
	delete(c.served, run.ID)
}

// fetchLoop sends one request at a time while Reads wait: first the
// merchant's latest runs, then batches of the waiting ids. Each waiting Read
// gets its answer as soon as a request decides it.
func (c *Runs) fetchLoop(ctx context.Context) {
	for {
		c.mu.Lock()
		first := !c.listed
		c.listed = true
		c.mu.Unlock()
		if !first {
			c.waiting.gather()
		}

		c.mu.Lock()
		if c.waiting.stopIfIdle() {
			c.mu.Unlock()
			return
		}
		ids := slices.Sorted(maps.Keys(c.waiting.byKey))
		batch := ids[:min(len(ids), jwo.MaxFilterTestIDs)]
		c.seq++
		sent := c.seq
		c.mu.Unlock()

		var runs []jwo.ConnectivityTest
		var err error
		if first {
			runs, err = c.recent(ctx, c.page)
		} else {
			runs, err = c.batch(ctx, batch)
		}

		c.mu.Lock()
		switch {
		case err != nil:
			tflog.Warn(ctx, "reading test runs in batches failed; reading each run on its own", map[string]any{"error": err.Error()})
			c.off = true
		case first:
			c.whole = len(runs) < c.page
		}
		for _, run := range runs {
			if c.served[run.ID] || c.writes[run.ID] > sent {
				continue // handed out already, or created since this request was sent
			}
			c.entries[run.ID] = run
		}
		for id := range c.waiting.byKey {
			_, inBatch := slices.BinarySearch(batch, id)
			h, ok := c.lookup(id, c.whole || (!first && inBatch))
			if c.off {
				h, ok = runHint{}, true
			}
			if ok {
				c.waiting.settle(id, h)
			}
		}
		c.mu.Unlock()
	}
}
