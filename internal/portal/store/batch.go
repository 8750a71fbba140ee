package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Group commit. Every commit of the writer waits for an fsync of the WAL
// (synchronous=FULL), and writes are serialised on one connection, so with
// ten writers in flight nine of them queue behind one disk flush after
// another. Instead, the writes that are queued when the writer becomes free
// run together in one transaction, each inside its own SAVEPOINT, and share
// one commit: a write that fails rolls back to its savepoint alone, and no
// caller hears back before the commit that holds its write is durable.

// maxBatch bounds how many writes share one commit, so that one slow write
// cannot hold an unbounded queue.
const maxBatch = 64

// errClosed answers a write that arrives after Close.
var errClosed = errors.New("store: the database is closed")

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan writeResult
}

type writeResult struct {
	err      error
	panicked bool
	panicVal any
}

// writer runs every write; it stops when db.writes is closed.
func (e *sqliteEngine) writer(db *DB) {
	defer close(e.writerDone)
	for first := range e.writes {
		batch := []*writeReq{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-e.writes:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		db.commitBatch(batch)
	}
}

func (db *DB) commitBatch(batch []*writeReq) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- writeResult{err: err}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	// Not a caller's context: one caller giving up must not roll back the
	// others' writes. For the same reason a caller's cancellation stops its
	// write only between statements (Tx.statementContext).
	tx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range live {
			r.done <- writeResult{err: err}
		}
		return
	}
	results := make([]writeResult, len(live))
	if len(live) == 1 {
		results[0] = runWrite(db, tx, live[0])
		if results[0].err != nil || results[0].panicked {
			_ = tx.Rollback() // the fn's error (or panic) is the one to report
			live[0].done <- results[0]
			return
		}
	} else if err := db.runSavepoints(tx, live, results); err != nil {
		_ = tx.Rollback()
		for i, r := range live {
			if results[i].err == nil && !results[i].panicked {
				results[i].err = err
			}
			r.done <- results[i]
		}
		return
	}
	commitErr := tx.Commit()
	for i, r := range live {
		if results[i].err == nil && !results[i].panicked {
			results[i].err = commitErr
		}
		r.done <- results[i]
	}
}

// runSavepoints runs each write in its own savepoint. An error it returns
// is one that spoils the whole transaction (a savepoint that cannot be
// rolled back): then nothing of the batch may commit.
func (db *DB) runSavepoints(tx *sql.Tx, live []*writeReq, results []writeResult) error {
	ctx := context.Background()
	for i, r := range live {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			return fmt.Errorf("begin savepoint: %w", err)
		}
		results[i] = runWrite(db, tx, r)
		if results[i].err != nil || results[i].panicked {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				return fmt.Errorf("roll back a failed write: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE w"); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
	}
	return nil
}

// runWrite calls one fn, turning a panic into a result that its caller
// re-raises in its own goroutine.
func runWrite(db *DB, tx *sql.Tx, r *writeReq) (res writeResult) {
	defer func() {
		if v := recover(); v != nil {
			res = writeResult{panicked: true, panicVal: v}
		}
	}()
	return writeResult{err: r.fn(&Tx{db: db, pool: db.write, tx: tx, shared: true})}
}
