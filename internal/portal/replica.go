package portal

import (
	"context"
	"sync"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// defaultReplicaLease is how long a replica's claims on runs outlive its
// last renewal: a replica that dies leaves no claimed run RUNNING for longer.
const defaultReplicaLease = 15 * time.Second

// register records this process as a replica of the database and finishes,
// as interrupted, the claimed runs of replicas that are gone and, when no
// other replica is alive to claim them, the queued runs (on SQLite: every
// run of every earlier process).
func (p *Portal) register(ctx context.Context) error {
	return p.sweep(ctx, "finished runs left RUNNING by a portal process that is gone as interrupted",
		func(tx *store.Tx, now time.Time) ([]string, error) {
			if err := tx.RegisterReplica(ctx, p.replicaID, now, now.Add(p.opts.ReplicaLease)); err != nil {
				return nil, err
			}
			swept, err := tx.SweepRuns(ctx, interruptedAtStart, now)
			if err != nil {
				return nil, err
			}
			orphans, err := tx.InterruptQueuedRunsIfAlone(ctx, p.replicaID, interruptedAtStart, now)
			return append(swept, orphans...), err
		})
}

// renew extends this replica's lease and sweeps the claimed runs of dead
// replicas.
func (p *Portal) renew(ctx context.Context) error {
	return p.sweep(ctx, "finished the runs of a portal replica whose lease ran out as interrupted",
		func(tx *store.Tx, now time.Time) ([]string, error) {
			if err := tx.RenewReplica(ctx, p.replicaID, now, now.Add(p.opts.ReplicaLease)); err != nil {
				return nil, err
			}
			return tx.SweepRuns(ctx, interruptedAtStart, now)
		})
}

// sweep runs fn, which finishes runs, in a write transaction, then wakes
// the long polls of the runs it finished and logs them.
func (p *Portal) sweep(ctx context.Context, msg string, fn func(*store.Tx, time.Time) ([]string, error)) error {
	now := p.svc.now()
	var finished []string
	err := p.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		finished, err = fn(tx, now)
		return err
	})
	if err != nil {
		return err
	}
	for _, id := range finished {
		p.finishes.fire(id)
	}
	if len(finished) > 0 {
		p.log.Warn(msg, "runs", len(finished))
	}
	return nil
}

// keepAlive renews this replica's lease every third of the lease until ctx
// ends. A renewal that fails (the database is down) is tried again at the
// next tick; if the lease runs out meanwhile, other replicas finish this
// one's runs as interrupted, and their late results are dropped.
func (p *Portal) keepAlive(ctx context.Context) {
	tick := time.NewTicker(p.opts.ReplicaLease / 3)
	defer tick.Stop()
	var pruned time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if time.Since(pruned) >= pruneEvery {
			pruned = time.Now()
			p.pruneExchangedTokens(ctx)
		}
		if err := p.renew(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("renewing the replica's lease failed", "error", err.Error())
			continue
		}
		if err := p.runner.recoverLostClaims(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("finishing runs whose claim was not confirmed failed", "error", err.Error())
		}
	}
}

// exchangedTokenRetention is how long a token exchanged under a trust
// policy stays in the database after it expires: for so long it is refused
// as expired, with the fix (exchange again), instead of as unknown. The
// audit log keeps each exchange for ever.
const exchangedTokenRetention = 24 * time.Hour

// pruneEvery is how often a replica deletes the exchanged tokens past their
// retention: every CI job leaves one.
const pruneEvery = 10 * time.Minute

func (p *Portal) pruneExchangedTokens(ctx context.Context) {
	var n int64
	err := p.db.Write(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.PruneExchangedTokens(ctx, p.svc.now().Add(-exchangedTokenRetention))
		return err
	})
	switch {
	case err != nil && ctx.Err() == nil:
		p.log.Warn("deleting expired exchanged tokens failed", "error", err.Error())
	case n > 0:
		p.log.Info("deleted exchanged tokens expired for more than a day", "tokens", n)
	}
}

// retire removes this replica at Close, after its runner has recorded its
// runs: anything still RUNNING in its name is swept at once by the others.
// The last replica to stop interrupts the queued runs, which no replica is
// left to claim (on SQLite, always: one process serves the file).
func (p *Portal) retire() error {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	return p.sweep(ctx, "finished the queued runs as interrupted: no other portal replica is alive to run them",
		func(tx *store.Tx, now time.Time) ([]string, error) {
			if err := tx.RetireReplica(ctx, p.replicaID); err != nil {
				return nil, err
			}
			return tx.InterruptQueuedRunsIfAlone(ctx, p.replicaID, interruptedAtClose, now)
		})
}

// runWatch wakes the long polls of GET /v1/tests/{id} on this replica when
// a run finishes on any replica (runner.finish, sweep, store.DB.ListenRuns).
type runWatch struct {
	mu sync.Mutex
	w  map[string]map[chan struct{}]struct{}
}

func newRunWatch() *runWatch { return &runWatch{w: map[string]map[chan struct{}]struct{}{}} }

// watch returns a channel closed when run id is announced finished (or
// when announcements may have been lost), and a func to stop watching.
func (rw *runWatch) watch(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	rw.mu.Lock()
	if rw.w[id] == nil {
		rw.w[id] = map[chan struct{}]struct{}{}
	}
	rw.w[id][ch] = struct{}{}
	rw.mu.Unlock()
	return ch, func() {
		rw.mu.Lock()
		defer rw.mu.Unlock()
		if _, ok := rw.w[id][ch]; ok {
			delete(rw.w[id], ch)
			if len(rw.w[id]) == 0 {
				delete(rw.w, id)
			}
		}
	}
}

// fire wakes the watchers of run id; "" wakes every watcher.
func (rw *runWatch) fire(id string) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	for wid, chans := range rw.w {
		if id != "" && wid != id {
			continue
		}
		for ch := range chans {
			close(ch)
		}
		delete(rw.w, wid)
	}
}
