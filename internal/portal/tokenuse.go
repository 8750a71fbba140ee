package portal

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// defaultTokenUseInterval is how often the last use of tokens is written:
// last_used_at is at most this much behind, and a busy portal writes once
// per interval instead of once per request.
const defaultTokenUseInterval = time.Minute

// tokenUse keeps the last use of each token seen since the last flush. A
// request only updates a map; flush writes them all in one transaction.
type tokenUse struct {
	mu   sync.Mutex
	seen map[string]time.Time

	stop chan struct{}
	done chan struct{}
}

func newTokenUse() *tokenUse {
	return &tokenUse{seen: map[string]time.Time{}, stop: make(chan struct{}), done: make(chan struct{})}
}

// touch records a use; a nil tokenUse (no request served) records none.
func (u *tokenUse) touch(id string, at time.Time) {
	if u == nil {
		return
	}
	u.mu.Lock()
	if at.After(u.seen[id]) {
		u.seen[id] = at
	}
	u.mu.Unlock()
}

// latest is the use not yet written, if any.
func (u *tokenUse) latest(id string) (time.Time, bool) {
	if u == nil {
		return time.Time{}, false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	at, ok := u.seen[id]
	return at, ok
}

// flush writes the uses seen so far; on failure they are kept for the next.
func (u *tokenUse) flush(ctx context.Context, db *store.DB) error {
	u.mu.Lock()
	batch := u.seen
	u.seen = map[string]time.Time{}
	u.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		for id, at := range batch {
			if err := tx.RecordTokenUse(ctx, id, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for id, at := range batch {
			u.touch(id, at)
		}
	}
	return err
}

// run flushes every interval until stopped, then once more.
func (u *tokenUse) run(db *store.DB, log *slog.Logger, every time.Duration) {
	defer close(u.done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := u.flush(context.Background(), db); err != nil {
				log.Warn("recording the last use of tokens failed; it is kept for the next try", "error", err.Error())
			}
		case <-u.stop:
			ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
			defer cancel()
			if err := u.flush(ctx, db); err != nil {
				log.Warn("recording the last use of tokens at shutdown failed", "error", err.Error())
			}
			return
		}
	}
}

// close stops run after its last flush.
func (u *tokenUse) close() {
	select {
	case <-u.stop:
	default:
		close(u.stop)
	}
	<-u.done
}
