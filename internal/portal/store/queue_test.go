package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// queueRuns gives merchants their store s-1 and queues, in order, a run of
// each merchant named in order (ids merchant-1, merchant-2, ...).
func queueRuns(t *testing.T, db *DB, merchants []string, order ...string) {
	t.Helper()
	ctx := context.Background()
	n := map[string]int{}
	mustWrite(t, db, func(tx *Tx) error {
		clear(n)
		for _, m := range merchants {
			if _, err := tx.EnsureMerchant(ctx, m, Now()); err != nil {
				return err
			}
			if err := tx.InsertStore(ctx, m, profile, Now()); err != nil {
				return err
			}
		}
		for _, m := range order {
			n[m]++
			r := running(fmt.Sprintf("%s-%d", m, n[m]), "")
			r.MerchantID = m
			if _, err := tx.InsertTest(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func claimOne(t *testing.T, db *DB, replica string) (Test, error) {
	t.Helper()
	var run Test
	err := db.Write(context.Background(), func(tx *Tx) (err error) {
		run, err = tx.ClaimTest(context.Background(), replica)
		return err
	})
	return run, err
}

// Claimers on two handles (two replicas) at once: every queued run is
// claimed exactly once, by the replica that got it, and then the queue is
// empty.
func TestClaimsNeverTakeOneRunTwice(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, location string) {
		const runs, claimers = 40, 8
		order := make([]string, runs)
		for i := range order {
			order[i] = []string{"a", "b", "c"}[i%3]
		}
		queueRuns(t, db, []string{"a", "b", "c"}, order...)
		handles := []*DB{db, openAt(t, location)}
		var mu sync.Mutex
		claims := map[string][]string{}
		var wg sync.WaitGroup
		for i := range claimers {
			wg.Go(func() {
				replica := fmt.Sprintf("r-%d", i)
				for range runs + 1 { // bounded, should claims ever come back without taking the run
					run, err := claimOne(t, handles[i%2], replica)
					if errors.Is(err, ErrNotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					if run.ReplicaID != replica || run.Status != jwo.TestRunning {
						t.Errorf("claim by %s returned %s with replica %q status %s", replica, run.ID, run.ReplicaID, run.Status)
					}
					mu.Lock()
					claims[run.ID] = append(claims[run.ID], replica)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		// A claimer may stop while the last runs are locked by the others;
		// whatever is left goes to one more claimer.
		for range runs + 1 {
			run, err := claimOne(t, db, "r-last")
			if err != nil {
				break
			}
			claims[run.ID] = append(claims[run.ID], "r-last")
		}
		if len(claims) != runs {
			t.Errorf("%d runs claimed, want all %d", len(claims), runs)
		}
		for id, by := range claims {
			if len(by) != 1 {
				t.Errorf("run %s claimed %d times, by %v", id, len(by), by)
			}
		}
		err := db.Read(context.Background(), func(tx *Tx) error {
			for id, by := range claims {
				r, err := tx.Test(context.Background(), id[:1], id)
				if err != nil {
					return err
				}
				if r.ReplicaID != by[0] {
					t.Errorf("run %s is claimed by %q in the database, the claim answered %q", id, r.ReplicaID, by[0])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// On PostgreSQL a claim skips a run that another replica's claim holds
// locked, without waiting for it: two replicas never queue behind each other.
func TestClaimSkipsARunBeingClaimed(t *testing.T) {
	t.Parallel()
	loc := engines[1].newLocation(t)
	db, other := openAt(t, loc), openAt(t, loc)
	queueRuns(t, db, []string{"a"}, "a", "a")
	holding, release := make(chan Test, 1), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- db.Write(context.Background(), func(tx *Tx) error {
			run, err := tx.ClaimTest(context.Background(), "r-slow")
			if err != nil {
				return err
			}
			holding <- run
			<-release
			return nil
		})
	}()
	var first Test
	select {
	case first = <-holding:
	case err := <-held:
		t.Fatalf("the first claim: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the first claim did not come back")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var second Test
	err := other.Write(ctx, func(tx *Tx) (err error) {
		second, err = tx.ClaimTest(ctx, "r-fast")
		return err
	})
	close(release)
	if err != nil {
		t.Fatalf("a claim while another replica's claim is open: %v; want the next run at once", err)
	}
	if first.ID != "a-1" || second.ID != "a-2" {
		t.Errorf("claims took %s then %s, want a-1 then a-2", first.ID, second.ID)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

// Claims serve merchants in turn: the merchant with the fewest runs in
// progress first, then the one served least recently, then the oldest run;
// a merchant that queued many runs first does not go first again. The bound
// counts queued and claimed runs alike.
func TestClaimServesMerchantsInTurn(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		queueRuns(t, db, []string{"a", "b", "c"}, "a", "a", "a", "b", "b", "c")
		var got []string
		claim := func() Test {
			t.Helper()
			run, err := claimOne(t, db, "r-1")
			if err != nil {
				t.Fatalf("claim after %v: %v", got, err)
			}
			got = append(got, run.ID)
			return run
		}
		finish := func(runs ...Test) {
			t.Helper()
			mustWrite(t, db, func(tx *Tx) error {
				for _, r := range runs {
					if _, err := tx.FinishTest(ctx, r.ID, "r-1", Outcome{Status: jwo.TestSuccessful, CompletedAt: Now()}); err != nil {
						return err
					}
				}
				return nil
			})
		}
		inProgress := func(m string) (n int) {
			t.Helper()
			mustWrite(t, db, func(tx *Tx) (err error) {
				n, err = tx.RunsInProgress(ctx, m)
				return err
			})
			return n
		}
		// Three claimed while they run: each merchant once, a first (oldest).
		a1, b1, c1 := claim(), claim(), claim()
		if n := inProgress("a"); n != 3 {
			t.Errorf("a has %d runs in progress, want 3 (one claimed, two queued)", n)
		}
		finish(a1, b1, c1)
		// Nothing in progress: a was served longest ago, then b, then a.
		finish(claim())
		finish(claim())
		claim()
		if want := []string{"a-1", "b-1", "c-1", "a-2", "b-2", "a-3"}; !slices.Equal(got, want) {
			t.Errorf("claim order %v, want %v", got, want)
		}
		if _, err := claimOne(t, db, "r-1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a claim of an empty queue: %v, want ErrNotFound", err)
		}
		if n := inProgress("a"); n != 1 {
			t.Errorf("a has %d runs in progress, want 1 (a-3, claimed)", n)
		}
	})
}

// Queued runs are interrupted only when no replica but the caller is alive
// to claim them.
func TestQueuedRunsAreInterruptedByTheLastReplicaOnly(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		queueRuns(t, db, []string{"a"}, "a")
		now := Now()
		interrupt := func(self string) (ids []string) {
			t.Helper()
			mustWrite(t, db, func(tx *Tx) (err error) {
				ids, err = tx.InterruptQueuedRunsIfAlone(ctx, self, "nobody left", now)
				return err
			})
			return ids
		}
		mustWrite(t, db, func(tx *Tx) error {
			if err := tx.RenewReplica(ctx, "r-1", now, now.Add(time.Minute)); err != nil {
				return err
			}
			return tx.RenewReplica(ctx, "r-2", now, now.Add(time.Minute))
		})
		if ids := interrupt("r-1"); len(ids) != 0 {
			t.Fatalf("r-1 interrupted %v while r-2 is alive", ids)
		}
		mustWrite(t, db, func(tx *Tx) error { return tx.RetireReplica(ctx, "r-2") })
		if ids := interrupt("r-1"); !slices.Equal(ids, []string{"a-1"}) {
			t.Fatalf("r-1, the last replica, interrupted %v, want a-1", ids)
		}
		err := db.Read(ctx, func(tx *Tx) error {
			r, err := tx.Test(ctx, "a", "a-1")
			if err == nil && (r.Status != jwo.TestUnsuccessful || r.Reason != jwo.ReasonInterrupted || r.Message != "nobody left") {
				t.Errorf("interrupted run = %+v", r)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Replicas accepting runs of one merchant at once count its runs in
// progress one after the other: the bound admits exactly its number.
func TestRunBoundIsExactAcrossReplicas(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, location string) {
		const bound, writers = 5, 16
		queueRuns(t, db, []string{"a"})
		handles := []*DB{db, openAt(t, location)}
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				err := handles[i%2].Write(context.Background(), func(tx *Tx) error {
					n, err := tx.RunsInProgress(context.Background(), "a")
					if err != nil || n >= bound {
						return err
					}
					time.Sleep(time.Millisecond) // widen the window between the count and the insert
					r := running(fmt.Sprintf("a-%d", i), "")
					_, err = tx.InsertTest(context.Background(), r)
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		var n int
		mustWrite(t, db, func(tx *Tx) (err error) {
			n, err = tx.RunsInProgress(context.Background(), "a")
			return err
		})
		if n != bound {
			t.Errorf("%d runs in progress after %d writers raced for a bound of %d", n, writers, bound)
		}
	})
}
