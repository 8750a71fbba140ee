package portal

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

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

// runner executes test runs in the background on TestWorkers goroutines,
// whatever callers do, taking runs in the order of the fairQueue. Runs are
// already committed as RUNNING when they reach it; it only ever moves them
// to a finished state.
type runner struct {
	p      *Portal
	tester func() TestRunner

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	wake     *sync.Cond // signalled when a run is queued or the runner stops
	queue    *fairQueue
	stopped  bool
	inflight map[string]store.Test
	// done has a channel per run started here and not yet recorded; it is
	// closed once the outcome is committed, so that a GET waiting for the
	// run (Prefer: wait) answers at once instead of polling.
	done map[string]chan struct{}
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
		queue:    newFairQueue(p.opts.MaxRunsPerMerchant),
		inflight: map[string]store.Test{},
		done:     map[string]chan struct{}{},
	}
	rn.wake = sync.NewCond(&rn.mu)
	for range p.opts.TestWorkers {
		rn.wg.Add(1)
		go rn.work()
	}
	return rn
}

// reserve takes a place for a run of merchant before it is committed, or
// answers 429: the merchant has as many runs queued or running as it may.
func (rn *runner) reserve(merchant string) error {
	rn.mu.Lock()
	ok := rn.queue.reserve(merchant)
	rn.mu.Unlock()
	if ok {
		return nil
	}
	secs := max(1, int(math.Ceil(rn.p.opts.TestTimeout.Seconds())))
	e := newError(http.StatusTooManyRequests, "too-many-runs",
		"merchant %q has %d connectivity test runs queued or running, the most one merchant may have at once; "+
			"retry after %d s, when one has finished", merchant, rn.p.opts.MaxRunsPerMerchant, secs)
	e.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return e
}

// unreserve gives back a place that started no run.
func (rn *runner) unreserve(merchant string) {
	rn.mu.Lock()
	rn.queue.release(merchant)
	rn.mu.Unlock()
}

// start queues a committed RUNNING run whose place is reserved.
func (rn *runner) start(run store.Test) {
	rn.p.metrics.testsStarted.Add(1)
	rn.mu.Lock()
	if rn.stopped {
		rn.queue.release(run.MerchantID)
		rn.mu.Unlock()
		rn.finish(run, interrupted(interruptedAtClose))
		return
	}
	rn.inflight[run.ID] = run
	rn.done[run.ID] = make(chan struct{})
	rn.queue.push(run)
	rn.wake.Signal()
	rn.mu.Unlock()
}

// work is one worker: it takes the next run of the fair queue until the
// runner stops.
func (rn *runner) work() {
	defer rn.wg.Done()
	for {
		rn.mu.Lock()
		run, ok := rn.queue.pop()
		for !ok && !rn.stopped {
			rn.wake.Wait()
			run, ok = rn.queue.pop()
		}
		rn.mu.Unlock()
		if !ok {
			return
		}
		rn.execute(run)
	}
}

func (rn *runner) execute(run store.Test) {
	defer func() {
		rn.mu.Lock()
		delete(rn.inflight, run.ID)
		rn.queue.release(run.MerchantID)
		rn.mu.Unlock()
	}()
	if rn.ctx.Err() != nil {
		rn.finish(run, interrupted(interruptedAtClose))
		return
	}
	rn.p.metrics.testsRunning.Add(1)
	res := rn.call(run)
	rn.p.metrics.testsRunning.Add(-1)
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
	ctx, cancel := context.WithTimeout(rn.ctx, rn.p.opts.TestTimeout+callGrace)
	defer cancel()
	r := rn.tester().Run(ctx, tester.Call{
		Method: run.Method, StoreID: run.StoreID, SKU: run.SKU,
		EndpointURL: run.EndpointURL, EndpointType: run.EndpointType,
	})
	o := store.Outcome{
		Status:          r.Status,
		Reason:          r.Reason,
		Message:         r.Message,
		HTTPStatus:      r.HTTPStatus,
		LatencyMS:       r.Latency.Milliseconds(),
		ResponseExcerpt: truncateUTF8(r.ResponseExcerpt, maxExcerpt),
	}
	if !o.Status.Finished() {
		// The tester promises a verdict; a run must never stay RUNNING.
		o.Status, o.Reason = jwo.TestUnsuccessful, jwo.ReasonInterrupted
		o.Message = fmt.Sprintf("the tester gave no verdict (status %q)", r.Status)
	}
	if o.Status == jwo.TestSuccessful {
		o.Reason = jwo.ReasonNone
	}
	return o
}

func interrupted(message string) store.Outcome {
	return store.Outcome{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonInterrupted, Message: message}
}

// finish records a run's outcome and, when the run is a real verdict on the
// connector's current endpoint, the connector's status. An interrupted run
// says nothing about the endpoint, so it leaves the status alone.
func (rn *runner) finish(run store.Test, o store.Outcome) {
	defer rn.release(run.ID)
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	o.CompletedAt = rn.p.now()
	var applied bool
	err := rn.p.db.Write(ctx, func(tx *store.Tx) error {
		done, err := tx.FinishTest(ctx, run.ID, o)
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
		return // finished already, by Close giving up on it
	case err != nil:
		rn.p.log.Error("recording a test result failed", "test_id", run.ID, "error", err.Error())
		return
	}
	rn.p.metrics.testsFinished.Add(1)
	rn.p.log.Info("connectivity test finished", "test_id", run.ID, "store_id", run.StoreID, "method", string(run.Method),
		"status", string(o.Status), "reason", string(o.Reason), "http_status", o.HTTPStatus, "latency_ms", o.LatencyMS,
		"connector_status_updated", applied)
}

// finished returns a channel that is closed once the outcome of run id is
// committed, or nil when no run of that id is in progress in this process
// (never started here, or recorded already).
func (rn *runner) finished(id string) <-chan struct{} {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if ch, ok := rn.done[id]; ok {
		return ch
	}
	return nil
}

// release wakes whoever waits for run id; a run finished twice (by stop,
// then by its own call) releases once.
func (rn *runner) release(id string) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if ch, ok := rn.done[id]; ok {
		close(ch)
		delete(rn.done, id)
	}
}

// stop cancels every queued and running call, and waits up to ctx for their
// runs to be recorded as interrupted. Runs whose call does not return in
// time are recorded as interrupted here; a late result is then dropped,
// because a finished run is never finished again.
func (rn *runner) stop(ctx context.Context) error {
	rn.mu.Lock()
	rn.stopped = true
	waiting := rn.queue.drain()
	rn.wake.Broadcast()
	rn.mu.Unlock()
	rn.cancel()
	for _, run := range waiting {
		rn.finish(run, interrupted(interruptedAtClose))
		rn.mu.Lock()
		delete(rn.inflight, run.ID)
		rn.queue.release(run.MerchantID)
		rn.mu.Unlock()
	}
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

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
