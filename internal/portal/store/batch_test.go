package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// queueBehindBlockedWrite starts a write that holds the writer until the
// returned release is called, and waits until it runs; writes sent after it
// queue and then commit together.
func queueBehindBlockedWrite(t *testing.T, db *DB) (release func()) {
	t.Helper()
	started, hold := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Write(context.Background(), func(tx *Tx) error {
			close(started)
			<-hold
			return nil
		})
	}()
	<-started
	return func() {
		close(hold)
		if err := <-done; err != nil {
			t.Errorf("blocking write: %v", err)
		}
	}
}

// waitQueued waits until n writes wait for the writer.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	for len(db.lite.writes) < n {
		time.Sleep(time.Millisecond)
	}
}

func merchantExists(t *testing.T, db *DB, id string) bool {
	t.Helper()
	var n int
	err := db.Read(context.Background(), func(tx *Tx) error {
		return tx.tx.QueryRowContext(context.Background(), "SELECT count(*) FROM merchants WHERE id = ?", id).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// Writes that share a commit stay independent: the failed one is undone
// alone, the others are saved, and each caller hears its own outcome.
func TestBatchedWritesFailAlone(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	release := queueBehindBlockedWrite(t, db)

	boom := errors.New("boom")
	results := make([]chan error, 5)
	for i := range results {
		results[i] = make(chan error, 1)
		go func() {
			results[i] <- db.Write(ctx, func(tx *Tx) error {
				if _, err := tx.EnsureMerchant(ctx, fmt.Sprintf("m-%d", i), Now()); err != nil {
					return err
				}
				if i == 2 {
					return boom
				}
				return nil
			})
		}()
	}
	waitQueued(t, db, len(results))
	release()

	for i, ch := range results {
		err := <-ch
		if (i == 2) != errors.Is(err, boom) || (i != 2 && err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
		if got := merchantExists(t, db, fmt.Sprintf("m-%d", i)); got != (i != 2) {
			t.Errorf("merchant m-%d saved = %v", i, got)
		}
	}
}

// A panic in a batched write reaches its own caller, undoes only its write,
// and leaves the writer working.
func TestBatchedWritePanicReachesItsCaller(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	release := queueBehindBlockedWrite(t, db)

	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_ = db.Write(ctx, func(tx *Tx) error {
			if _, err := tx.EnsureMerchant(ctx, "doomed", Now()); err != nil {
				return err
			}
			panic("kaboom")
		})
	}()
	saved := make(chan error, 1)
	go func() {
		saved <- db.Write(ctx, func(tx *Tx) error {
			_, err := tx.EnsureMerchant(ctx, "kept", Now())
			return err
		})
	}()
	waitQueued(t, db, 2)
	release()

	if v := <-panicked; v != "kaboom" {
		t.Errorf("recovered %v, want the write's panic", v)
	}
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	if merchantExists(t, db, "doomed") || !merchantExists(t, db, "kept") {
		t.Error("want the panicking write undone and the other one saved")
	}
	mustWrite(t, db, func(tx *Tx) error {
		_, err := tx.EnsureMerchant(ctx, "after", Now())
		return err
	})
}

// A write whose caller gave up while it was queued is not run.
func TestQueuedWriteOfAGoneCallerIsSkipped(t *testing.T) {
	db, _ := openTemp(t)
	release := queueBehindBlockedWrite(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	done := make(chan error, 1)
	go func() {
		done <- db.Write(ctx, func(tx *Tx) error { ran = true; return nil })
	}()
	waitQueued(t, db, 1)
	cancel()
	release()
	if err := <-done; !errors.Is(err, context.Canceled) || ran {
		t.Errorf("err %v, ran %v; want context.Canceled and not run", err, ran)
	}
}

func TestWriteAfterCloseFails(t *testing.T) {
	db, _ := openTemp(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, errClosed) {
		t.Errorf("err = %v, want errClosed", err)
	}
}

// In a write transaction a statement never runs under the caller's
// cancellation (SQLite would roll back the whole shared transaction on the
// interrupt), yet a caller that gave up stops before its next statement.
func TestWriteStatementsIgnoreCancellationButStopBetweenStatements(t *testing.T) {
	db, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.Write(context.Background(), func(tx *Tx) error {
		sctx, err := tx.statementContext(ctx)
		if err != nil {
			return fmt.Errorf("live caller: %w", err)
		}
		if sctx.Done() != nil {
			t.Error("a statement's context can be cancelled: an interrupt would roll back the shared transaction")
		}
		cancel()
		if _, err := tx.statementContext(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("after the caller gave up: %v, want context.Canceled", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A caller that gives up in the middle of its batched write fails alone:
// its write is undone, the others in the same commit are saved.
func TestBatchedWriteOfACallerThatGivesUpFailsAlone(t *testing.T) {
	db, _ := openTemp(t)
	release := queueBehindBlockedWrite(t, db)
	gone, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make([]chan error, 3)
	for i := range results {
		results[i] = make(chan error, 1)
		ctx := context.Background()
		if i == 1 {
			ctx = gone
		}
		go func() {
			results[i] <- db.Write(ctx, func(tx *Tx) error {
				if _, err := tx.EnsureMerchant(ctx, fmt.Sprintf("m-%d", i), Now()); err != nil {
					return err
				}
				if i == 1 {
					cancel()
				}
				_, err := tx.EnsureMerchant(ctx, fmt.Sprintf("m-%d-b", i), Now())
				return err
			})
		}()
	}
	waitQueued(t, db, len(results))
	release()
	for i, ch := range results {
		err := <-ch
		if (i == 1) != errors.Is(err, context.Canceled) || (i != 1 && err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
		for _, id := range []string{fmt.Sprintf("m-%d", i), fmt.Sprintf("m-%d-b", i)} {
			if got := merchantExists(t, db, id); got != (i != 1) {
				t.Errorf("merchant %s saved = %v", id, got)
			}
		}
	}
}

// Writes queued together really share one commit: while the batch runs, a
// reader sees none of the earlier writes of the same batch yet.
func TestQueuedWritesShareOneCommit(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	release := queueBehindBlockedWrite(t, db)
	const n = 4
	// Sent one after another so that they queue in order.
	results := make([]chan error, n)
	for i := range results {
		results[i] = make(chan error, 1)
		go func() {
			results[i] <- db.Write(ctx, func(tx *Tx) error {
				if i > 0 {
					if prev := fmt.Sprintf("m-%d", i-1); merchantExists(t, db, prev) {
						return fmt.Errorf("%s was committed before write %d ran: no shared commit", prev, i)
					}
				}
				_, err := tx.EnsureMerchant(ctx, fmt.Sprintf("m-%d", i), Now())
				return err
			})
		}()
		waitQueued(t, db, i+1)
	}
	release()
	for i, ch := range results {
		if err := <-ch; err != nil {
			t.Errorf("write %d: %v", i, err)
		}
		if !merchantExists(t, db, fmt.Sprintf("m-%d", i)) {
			t.Errorf("m-%d not saved", i)
		}
	}
}
