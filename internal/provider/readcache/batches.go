package readcache

import (
	"context"
	"slices"
	"sync"
	"time"
)

// A batch waits to fill: until batchFull Reads wait (Terraform's default
// parallelism: no other Read can start then), no new Read has come to wait
// for batchQuiet, or batchMaxWait has passed since it began to gather.
const (
	batchFull    = 10
	batchQuiet   = 10 * time.Millisecond
	batchMaxWait = 50 * time.Millisecond
)

// waiters are the Reads that wait for a batched request of a cache that
// serves the Reads of one walk (Connectors, Runs), by key, with
// the hint H each is handed: what the request found, or the zero H, which
// tells the Read to ask the portal itself. The cache's mutex guards it.
type waiters[K comparable, H any] struct {
	mu      *sync.Mutex
	byKey   map[K][]chan H
	n       int           // how many Reads wait
	arrived chan struct{} // a Read began to wait (never blocks the Read)
	looping bool          // the cache's fetch loop runs
}

func newWaiters[K comparable, H any](mu *sync.Mutex) waiters[K, H] {
	return waiters[K, H]{mu: mu, byKey: map[K][]chan H{}, arrived: make(chan struct{}, 1)}
}

// add makes a Read of k wait. Call with mu held.
func (w *waiters[K, H]) add(k K) chan H {
	ch := make(chan H, 1)
	w.byKey[k] = append(w.byKey[k], ch)
	w.n++
	select {
	case w.arrived <- struct{}{}:
	default:
	}
	return ch
}

// wait makes a Read of k wait, starts the cache's fetch loop unless it
// runs, and returns the hint the loop hands it. Call with mu held: wait
// releases it. The loop outlives this Read when others wait too (its ctx is
// not cancelled with the Read's); it stops, by stopIfIdle, when nobody
// waits, and every request it makes has the client's timeout.
func (w *waiters[K, H]) wait(ctx context.Context, k K, loop func(context.Context)) (H, error) {
	ch := w.add(k)
	if !w.looping {
		w.looping = true
		go loop(context.WithoutCancel(ctx))
	}
	w.mu.Unlock()
	return w.await(ctx, k, ch)
}

// stopIfIdle tells the fetch loop to stop when no Read waits. Call with mu
// held.
func (w *waiters[K, H]) stopIfIdle() bool {
	if len(w.byKey) > 0 {
		return false
	}
	w.looping = false
	return true
}

// await is the hint handed to ch, or ctx's error once the Read gives up
// (it then no longer waits). Call without mu.
func (w *waiters[K, H]) await(ctx context.Context, k K, ch chan H) (H, error) {
	select {
	case h := <-ch:
		return h, nil
	case <-ctx.Done():
		w.mu.Lock()
		before := len(w.byKey[k])
		w.byKey[k] = slices.DeleteFunc(w.byKey[k], func(c chan H) bool { return c == ch })
		w.n -= before - len(w.byKey[k])
		if len(w.byKey[k]) == 0 {
			delete(w.byKey, k)
		}
		w.mu.Unlock()
		var zero H
		return zero, ctx.Err()
	}
}

// settle hands h to the first Read waiting for k and the zero hint to the
// others: an entry is handed out once, and the others ask the portal. Call
// with mu held.
func (w *waiters[K, H]) settle(k K, h H) {
	var zero H
	for i, ch := range w.byKey[k] {
		if i > 0 {
			h = zero
		}
		ch <- h
	}
	w.n -= len(w.byKey[k])
	delete(w.byKey, k)
}

// gather lets a batch fill before it is sent (see batchFull). Call without mu.
func (w *waiters[K, H]) gather() {
	limit := time.NewTimer(batchMaxWait)
	defer limit.Stop()
	for {
		w.mu.Lock()
		n := w.n
		w.mu.Unlock()
		if n >= batchFull {
			return
		}
		select {
		case <-w.arrived:
		case <-time.After(batchQuiet):
			return
		case <-limit.C:
			return
		}
	}
}
