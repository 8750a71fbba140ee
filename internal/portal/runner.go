package portal

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

const (
	// callGrace is added to the tester's own timeout as a backstop, so a
	// call that ignores its deadline still frees its worker.
	callGrace = 5 * time.Second
	// recordTimeout bounds writing a result, which must happen even when
	// the runner is stopping.
	recordTimeout = 10 * time.Second
	// maxExcerpt bounds what is kept of a connector's answer.
	maxExcerpt = 2048
)

// RunCounts are a replica's counts of connectivity runs since it started.
type RunCounts struct {
	Started  uint64 // queued by this replica
	Finished uint64 // finished by this replica's workers, interrupted ones included
	Running  int64  // calls in progress on this replica now
}

type runCounters struct {
	started, finished atomic.Uint64
	running           atomic.Int64
}

func (c *runCounters) read() RunCounts {
	return RunCounts{Started: c.started.Load(), Finished: c.finished.Load(), Running: c.running.Load()}
}

// runner executes test runs in the background on TestWorkers goroutines,
// whatever callers do. Runs are queued in the database (store/queue.go): a
// worker claims the next one in the order the store serves merchants, makes
// the call outside any transaction, and records the outcome. A worker with
// nothing to claim sleeps until a run is queued on this replica (queued), is
// announced from another (store.DB.ListenRuns), or the backstop ticks.
type runner struct {
	p      *Portal
	tester func() TestRunner

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// wake holds at most one signal: a worker that claims a run passes it on
	// before making the call, so that a burst of runs wakes as many workers
	// as it needs, one after the other, and no more.
	wake chan struct{}

	mu       sync.Mutex
	inflight map[string]store.Test // claimed here, not recorded yet

	// A claim whose commit was not confirmed (the connection broke) may
	// have claimed a run that no worker here knows of, which would stay
	// RUNNING while this replica lives: claimLost says so, and
	// recoverLostClaims then finishes such runs. Claims hold claimGate shared
	// from their transaction until their run is in inflight, the recovery
	// holds it alone, so it never takes a claim being registered for lost.
	claimGate sync.RWMutex
	claimLost atomic.Bool
}

func newRunner(p *Portal, t TestRunner) *runner {
	ctx, cancel := context.WithCancel(context.Background())
	rn := &runner{
		p: p,
		// Built on first use, so that a portal that never runs a test
		// needs nothing of the tester.
		tester: sync.OnceValue(func() TestRunner {
			if t != nil {
				return t
			}
			return tester.New(tester.Options{Dev: p.opts.Dev, Timeout: p.opts.TestTimeout, TLSConfig: p.opts.TesterTLS,
				Deny: p.opts.EgressDeny, Self: p.opts.OwnAddrs})
		}),
		ctx:      ctx,
		cancel:   cancel,
		wake:     make(chan struct{}, 1),
		inflight: map[string]store.Test{},
	}
	for range p.opts.TestWorkers {
		rn.wg.Add(1)
		go rn.work()
	}
	rn.wg.Add(1)
	go rn.backstop()
	return rn
}

// queued is told of a run committed to the queue by this replica.
func (rn *runner) queued() {
	rn.p.svc.counts.started.Add(1)
	rn.signal()
}

// signal wakes one sleeping worker (or the next one to sleep).
func (rn *runner) signal() {
	select {
	case rn.wake <- struct{}{}:
	default:
	}
}

// backstop wakes a worker every third of the lease, so that a run whose
// announcement was lost waits at most that long.
func (rn *runner) backstop() {
	defer rn.wg.Done()
	tick := time.NewTicker(rn.p.opts.ReplicaLease / 3)
	defer tick.Stop()
	for {
		select {
		case <-rn.ctx.Done():
			return
		case <-tick.C:
			rn.signal()
		}
	}
}

// work is one worker: it claims and runs queued runs until none is left,
// then sleeps until woken, until the runner stops.
func (rn *runner) work() {
	defer rn.wg.Done()
	for rn.ctx.Err() == nil {
		run, ok := rn.claim()
		if ok {
			rn.signal() // there may be more
			rn.execute(run)
			continue
		}
		select {
		case <-rn.ctx.Done():
		case <-rn.wake:
		}
	}
}

// claim takes the next queued run for this replica; false when there is
// none (or the database is unavailable: the backstop tries again).
func (rn *runner) claim() (store.Test, bool) {
	rn.claimGate.RLock()
	defer rn.claimGate.RUnlock()
	var run store.Test
	err := rn.p.db.Write(rn.ctx, func(tx *store.Tx) error {
		var err error
		run, err = tx.ClaimTest(rn.ctx, rn.p.replicaID)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Test{}, false
	case err != nil:
		rn.claimLost.Store(true)
		if rn.ctx.Err() == nil {
			rn.p.log.Warn("claiming a queued connectivity test failed", "error", err.Error())
		}
		return store.Test{}, false
	}
	rn.mu.Lock()
	rn.inflight[run.ID] = run
	rn.mu.Unlock()
	return run, true
}

// recoverLostClaims finishes as interrupted the runs claimed in this
// replica's name that no worker here is running, after a claim whose
// outcome was unknown (claimLost).
func (rn *runner) recoverLostClaims(ctx context.Context) error {
	if !rn.claimLost.Swap(false) {
		return nil
	}
	rn.claimGate.Lock()
	defer rn.claimGate.Unlock()
	rn.mu.Lock()
	known := make(map[string]bool, len(rn.inflight))
	for id := range rn.inflight {
		known[id] = true
	}
	rn.mu.Unlock()
	o := interrupted(interruptedLostClaim)
	o.CompletedAt = rn.p.svc.now()
	var lost []string
	err := rn.p.db.Write(ctx, func(tx *store.Tx) error {
		lost = nil
		ids, err := tx.ClaimedTests(ctx, rn.p.replicaID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if known[id] {
				continue
			}
			if _, err := tx.FinishTest(ctx, id, rn.p.replicaID, o); err != nil {
				return err
			}
			lost = append(lost, id)
		}
		return nil
	})
	if err != nil {
		rn.claimLost.Store(true) // the next renewal tries again
		return err
	}
	for _, id := range lost {
		rn.p.finishes.fire(id)
	}
	if len(lost) > 0 {
		rn.p.log.Warn("finished runs whose claim was not confirmed as interrupted", "runs", len(lost))
	}
	return nil
}

func (rn *runner) execute(run store.Test) {
	defer func() {
		rn.mu.Lock()
		delete(rn.inflight, run.ID)
		rn.mu.Unlock()
	}()
	if rn.ctx.Err() != nil {
		rn.finish(run, interrupted(interruptedAtClose))
		return
	}
	rn.p.svc.counts.running.Add(1)
	res := rn.call(run)
	rn.p.svc.counts.running.Add(-1)
	if rn.ctx.Err() != nil {
		// Whatever the call saw, it was cut short by the shutdown.
		res = interrupted(interruptedAtClose)
	}
	rn.finish(run, res)
}

// call makes the tester's call; a panic in it fails the run instead of the
// portal.
func (rn *runner) call(run store.Test) (res store.Outcome) {
	defer func() {
		if v := recover(); v != nil {
			rn.p.log.Error("connectivity tester panicked", "test_id", run.ID, "panic", fmt.Sprint(v))
			res = interrupted("the test runner failed before the call finished; start a new run")
		}
	}()
	var o store.Outcome
	var detail string
	if run.Suite == jwo.SuiteConformance {
		o, detail = rn.suite(run)
	} else {
		ctx, cancel := context.WithTimeout(rn.ctx, rn.p.opts.TestTimeout+callGrace)
		defer cancel()
		r := rn.tester().Run(ctx, tester.Call{
			Method: run.Method, StoreID: run.StoreID, SKU: run.SKU,
			EndpointURL: run.EndpointURL, EndpointType: run.EndpointType,
		})
		o = store.Outcome{Status: r.Status, Reason: r.Reason, Message: r.Message, HTTPStatus: r.HTTPStatus,
			LatencyMS: r.Latency.Milliseconds(), ResponseExcerpt: jwo.TruncateUTF8(r.ResponseExcerpt, maxExcerpt)}
		detail = r.Detail
	}
	if detail != "" {
		// The run's message is fixed for egress refusals and name errors
		// (the tenant must not learn the portal's DNS); the operator reads
		// the cause here.
		rn.p.log.Warn("connectivity test stopped before any call", "test_id", run.ID, "store_id", run.StoreID,
			"method", string(run.Method), "reason", string(o.Reason), "detail", detail)
	}
	if !o.Status.Finished() {
		// The tester promises a verdict; a run must never stay RUNNING.
		o.Message = fmt.Sprintf("the tester gave no verdict (status %q)", o.Status)
		o.Status, o.Reason = jwo.TestUnsuccessful, jwo.ReasonInterrupted
	}
	if o.Status == jwo.TestSuccessful {
		o.Reason = jwo.ReasonNone
	}
	return o
}

// suiteRunner runs a CONFORMANCE suite; *tester.Tester is one. A
// TestRunner that is not one fails every CONFORMANCE run.
type suiteRunner interface {
	RunSuite(ctx context.Context, s tester.SuiteCall) tester.SuiteResult
}

// suite runs a CONFORMANCE run's cases, each with the run's timeout: the
// whole suite may take that long per case.
func (rn *runner) suite(run store.Test) (store.Outcome, string) {
	sr, ok := rn.tester().(suiteRunner)
	if !ok {
		return store.Outcome{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonInterrupted,
			Message: "this portal's tester cannot run conformance suites; start a CONNECTIVITY run"}, ""
	}
	cases := len(jwo.ConformanceCases(run.Method))
	ctx, cancel := context.WithTimeout(rn.ctx, time.Duration(max(1, cases))*rn.p.opts.TestTimeout+callGrace)
	defer cancel()
	r := sr.RunSuite(ctx, tester.SuiteCall{
		Method: run.Method, StoreID: run.StoreID, SKU: run.SKU,
		EndpointURL: run.EndpointURL, EndpointType: run.EndpointType,
	})
	o := store.Outcome{Status: r.Status, Reason: r.Reason, Message: r.Message, HTTPStatus: r.HTTPStatus,
		LatencyMS: r.Latency.Milliseconds(), ResponseExcerpt: jwo.TruncateUTF8(r.ResponseExcerpt, maxExcerpt),
		Cases: make([]jwo.Case, 0, len(r.Cases))}
	for _, c := range r.Cases {
		o.Cases = append(o.Cases, c.Case)
	}
	return o, r.Detail
}

func interrupted(message string) store.Outcome {
	return store.Outcome{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonInterrupted, Message: message}
}

// finish records a run's outcome and, when the run is a real verdict on the
// connector's current endpoint, the connector's status. An interrupted run
// says nothing about the endpoint, so it leaves the status alone.
func (rn *runner) finish(run store.Test, o store.Outcome) {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	o.CompletedAt = rn.p.svc.now()
	var applied bool
	err := rn.p.db.Write(ctx, func(tx *store.Tx) error {
		done, err := tx.FinishTest(ctx, run.ID, rn.p.replicaID, o)
		if err != nil {
			return err
		}
		if o.Reason == jwo.ReasonInterrupted {
			return nil
		}
		status := jwo.ConnectivityUnsuccessful
		if o.Status == jwo.TestSuccessful {
			status = jwo.ConnectivitySuccessful
		}
		applied, err = tx.ApplyRunStatus(ctx, done, status)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return // finished already, by Close giving up on it or by a sweep that gave this replica up for dead
	case err != nil:
		rn.p.log.Error("recording a test result failed", "test_id", run.ID, "error", err.Error())
		return
	}
	rn.p.finishes.fire(run.ID)
	rn.p.svc.counts.finished.Add(1)
	rn.p.log.Info("connectivity test finished", "test_id", run.ID, "store_id", run.StoreID, "method", string(run.Method),
		"status", string(o.Status), "reason", string(o.Reason), "http_status", o.HTTPStatus, "latency_ms", o.LatencyMS,
		"connector_status_updated", applied)
}

// stop stops claiming, cancels every running call, and waits up to ctx for
// their runs to be recorded as interrupted. Runs whose call does not return
// in time are recorded as interrupted here; a late result is then dropped,
// because a finished run is never finished again. Queued runs stay in the
// database for the other replicas (or are interrupted by retire when none
// is left).
func (rn *runner) stop(ctx context.Context) error {
	rn.cancel()
	done := make(chan struct{})
	go func() {
		rn.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	rn.mu.Lock()
	left := make([]store.Test, 0, len(rn.inflight))
	for _, run := range rn.inflight {
		left = append(left, run)
	}
	rn.mu.Unlock()
	for _, run := range left {
		rn.finish(run, interrupted(interruptedAtClose))
	}
	return fmt.Errorf("%d connectivity test calls did not stop in time; their runs are recorded as interrupted", len(left))
}
