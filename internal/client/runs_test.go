package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// runAfter answers GET /v1/tests/{id} with RUNNING for the first `running`
// polls and SUCCESSFUL after.
func runAfter(running int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		run := sampleTest
		run.ID = strings.TrimPrefix(r.URL.Path, "/v1/tests/")
		run.Status, run.CompletedAt = jwo.TestRunning, nil
		if n > running {
			run.Status = jwo.TestSuccessful
			run.CompletedAt = &t1
		}
		writeJSON(w, http.StatusOK, run)
	}
}

func TestWaitTestReturnsOnceTheRunFinishes(t *testing.T) {
	f := newFake(t, runAfter(2))
	c := newTestClient(t, f.URL)
	start := time.Now()
	run, err := c.WaitTest(context.Background(), "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != jwo.TestSuccessful || run.CompletedAt == nil {
		t.Errorf("run = %+v", run)
	}
	if n := f.count(); n != 3 {
		t.Errorf("%d polls, want 3", n)
	}
	// 100ms then 200ms between the polls.
	if elapsed := time.Since(start); elapsed < 250*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("took %v, want about 300ms", elapsed)
	}
	for _, r := range f.requests() {
		if r.Method != "GET" || r.Path != "/v1/tests/run-1" {
			t.Errorf("poll = %s %s", r.Method, r.Path)
		}
	}
}

// Against a portal that holds answers, every read asks it to wait (half the
// per-attempt timeout, in whole seconds) and the next read follows at once.
func TestWaitTestAsksThePortalToHoldTheAnswer(t *testing.T) {
	answer := runAfter(2)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Preference-Applied", r.Header.Get("Prefer"))
		answer(w, r, n)
	})
	c := newTestClient(t, f.URL) // 5s per attempt
	run, err := c.WaitTest(context.Background(), "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != jwo.TestSuccessful || f.count() != 3 {
		t.Errorf("run %+v after %d reads, want SUCCESSFUL after 3", run, f.count())
	}
	for _, r := range f.requests() {
		if got := r.Header.Get("Prefer"); got != "wait=2" {
			t.Errorf("Prefer %q, want wait=2", got)
		}
	}
}

func TestGetTestDoesNotAskToWait(t *testing.T) {
	f := newFake(t, runAfter(0))
	c := newTestClient(t, f.URL)
	if _, err := c.GetTest(context.Background(), "run-1"); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].Header.Get("Prefer"); got != "" {
		t.Errorf("GetTest sent Prefer %q; only WaitTest waits", got)
	}
}

func TestWaitTestStopsWithTheContext(t *testing.T) {
	f := newFake(t, runAfter(1000))
	c := newTestClient(t, f.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	run, err := c.WaitTest(ctx, "run-1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if run.ID != "run-1" || run.Status != jwo.TestRunning {
		t.Errorf("run = %+v, want the last state seen", run)
	}
}

func TestWaitTestReportsAnAPIError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeProblem(w, 404, "no such run") })
	c := newTestClient(t, f.URL)
	if _, err := c.WaitTest(context.Background(), "gone"); !IsNotFound(err) {
		t.Fatalf("err = %v, want 404", err)
	}
}

func TestNewIdempotencyKeyIsUnique(t *testing.T) {
	a, b := NewIdempotencyKey(), NewIdempotencyKey()
	if a == "" || a == b {
		t.Errorf("keys %q and %q", a, b)
	}
}
