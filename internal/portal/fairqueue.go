package portal

import "github.com/justwalkout/terraform-provider-jwo/internal/portal/store"

// defaultMaxRunsPerMerchant bounds one merchant's runs queued or running in
// one portal: well above Terraform's default parallelism of 10, so a plan is
// never refused, yet small enough that one merchant cannot fill the queue.
const defaultMaxRunsPerMerchant = 32

// fairQueue is the scheduling rule of connectivity test runs, and only that
// (no locks, no I/O: its caller holds the lock): each merchant has at most
// limit runs queued or running, and the next run to go is the oldest queued
// run of the merchant whose turn it is, merchants taking turns in the order
// their first waiting run arrived. So a merchant that floods the queue only
// delays itself: another merchant's run waits for at most one run of each
// merchant ahead of it in the turn.
type fairQueue struct {
	limit  int
	active map[string]int          // queued + running, per merchant
	queued map[string][]store.Test // waiting runs, oldest first, per merchant
	turns  []string                // merchants with waiting runs, next first
}

func newFairQueue(limit int) *fairQueue {
	return &fairQueue{limit: limit, active: map[string]int{}, queued: map[string][]store.Test{}}
}

// reserve takes one of the merchant's places, before its run is committed;
// false when all are taken.
func (q *fairQueue) reserve(merchant string) bool {
	if q.active[merchant] >= q.limit {
		return false
	}
	q.active[merchant]++
	return true
}

// release gives a place back: a reservation that started no run, or a run
// that has finished.
func (q *fairQueue) release(merchant string) {
	if q.active[merchant]--; q.active[merchant] <= 0 {
		delete(q.active, merchant)
	}
}

// push queues a run whose place is reserved.
func (q *fairQueue) push(run store.Test) {
	m := run.MerchantID
	if len(q.queued[m]) == 0 {
		q.turns = append(q.turns, m)
	}
	q.queued[m] = append(q.queued[m], run)
}

// pop takes the next run: the oldest of the merchant whose turn it is, who
// then goes to the back of the turns if it has more waiting.
func (q *fairQueue) pop() (store.Test, bool) {
	if len(q.turns) == 0 {
		return store.Test{}, false
	}
	m := q.turns[0]
	q.turns = q.turns[1:]
	runs := q.queued[m]
	run := runs[0]
	if len(runs) > 1 {
		q.queued[m] = runs[1:]
		q.turns = append(q.turns, m)
	} else {
		delete(q.queued, m)
	}
	return run, true
}

// drain takes every waiting run, for a shutdown.
func (q *fairQueue) drain() []store.Test {
	var out []store.Test
	for {
		run, ok := q.pop()
		if !ok {
			return out
		}
		out = append(out, run)
	}
}
