package portal

import (
	"context"
	"sync"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// defaultReplicaLease is how long a replica's claim on its runs outlives its
// last renewal: a replica that dies leaves no run RUNNING for longer.
const defaultReplicaLease = 15 * time.Second

// register records this process as a replica of the database and finishes,
// as interrupted, the runs of replicas that are gone (on SQLite: of every
// earlier process).
func (p *Portal) register(ctx context.Context) error {
	now := p.now()
	var swept []string
	err := p.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RegisterReplica(ctx, p.replicaID, now, now.Add(p.opts.ReplicaLease)); err != nil {
			return err
		}
		var err error
		swept, err = tx.SweepRuns(ctx, interruptedAtStart, now)
		return err
	})
	if err == nil && len(swept) > 0 {
		p.log.Warn("finished runs left RUNNING by a portal process that is gone as interrupted", "runs", len(swept))
	}
	return err
}

// renew extends this replica's lease and sweeps the runs of dead replicas.
func (p *Portal) renew(ctx context.Context) error {
	now := p.now()
	var swept []string
	err := p.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RenewReplica(ctx, p.replicaID, now, now.Add(p.opts.ReplicaLease)); err != nil {
			return err
		}
		var err error
		swept, err = tx.SweepRuns(ctx, interruptedAtStart, now)
		return err
	})
	if err == nil && len(swept) > 0 {
		p.log.Warn("finished the runs of a portal replica whose lease ran out as interrupted", "runs", len(swept))
	}
	return err
}

// keepAlive renews this replica's lease every third of the lease until ctx
// ends. A renewal that fails (the database is down) is tried again at the
// next tick; if the lease runs out meanwhile, other replicas finish this
// one's runs as interrupted, and their late results are dropped.
func (p *Portal) keepAlive(ctx context.Context) {
	tick := time.NewTicker(p.opts.ReplicaLease / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := p.renew(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("renewing the replica's lease failed", "error", err.Error())
		}
	}
}

// retire removes this replica at Close, after its runner has recorded its
// runs: anything still RUNNING in its name is swept at once by the others.
func (p *Portal) retire() error {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	return p.db.Write(ctx, func(tx *store.Tx) error { return tx.RetireReplica(ctx, p.replicaID) })
}

// runWatch wakes the long polls of GET /v1/tests/{id} on this replica when
// a run finishes on any replica (store.DB.ListenFinishedRuns).
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
