package portal

import (
	"slices"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

func queuedRun(merchant, id string) store.Test {
	r := store.Test{MerchantID: merchant}
	r.ID = id
	return r
}

// Merchants take turns: a merchant that queued many runs first still lets
// another merchant's later run go second, and the bound counts queued and
// running runs alike.
func TestFairQueueTakesTurnsAndBounds(t *testing.T) {
	t.Parallel()
	q := newFairQueue(3)
	for _, id := range []string{"a1", "a2", "a3"} {
		if !q.reserve("a") {
			t.Fatalf("reserve %s refused below the bound", id)
		}
		q.push(queuedRun("a", id))
	}
	if q.reserve("a") {
		t.Fatal("a fourth run of a was admitted over the bound of 3")
	}
	for _, id := range []string{"b1", "b2"} {
		q.reserve("b")
		q.push(queuedRun("b", id))
	}
	q.reserve("c")
	q.push(queuedRun("c", "c1"))

	first, _ := q.pop() // a1 now runs: still one of a's three places
	if q.reserve("a") {
		t.Fatal("a running run does not count against the bound")
	}
	q.release("a") // a1 finished
	if !q.reserve("a") {
		t.Fatal("a finished run did not give its place back")
	}
	q.push(queuedRun("a", "a4"))

	order := []string{first.ID}
	for run, ok := q.pop(); ok; run, ok = q.pop() {
		order = append(order, run.ID)
	}
	if want := []string{"a1", "b1", "c1", "a2", "b2", "a3", "a4"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}
