package readcache

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// newCountedRunCache is a test-run cache over a real portal's client,
// behind a counting endpoint, that asks for the page latest runs first.
func newCountedRunCache(t *testing.T, tp *portaltest.Portal, page int) (*Runs, *portaltest.Counter) {
	t.Helper()
	c, rc := countedClient(t, tp, tp.OperatorToken)
	tc := NewRuns(c)
	tc.page = page
	return tc, rc
}

func mustReadRun(t *testing.T, tc *Runs, id string) jwo.ConnectivityTest {
	t.Helper()
	run, err := tc.Read(context.Background(), id)
	if err != nil {
		t.Fatalf("read run %s: %v", id, err)
	}
	return run
}

// runs saves a LOYALTY connector of storeJWO at url and runs n tests of it
// out of band, oldest first.
func runs(t *testing.T, tp *portaltest.Portal, url string, n int) []jwo.ConnectivityTest {
	t.Helper()
	putConnector(t, tp, storeJWO, jwo.MethodLoyalty, url)
	ctx := context.Background()
	var out []jwo.ConnectivityTest
	for range n {
		run, err := tp.Operator.StartTest(ctx, storeJWO, jwo.MethodLoyalty, "", "")
		if err == nil {
			run, err = tp.Operator.WaitTest(ctx, run.ID)
		}
		if err != nil {
			t.Fatalf("run a test of %s/%s: %v", storeJWO, jwo.MethodLoyalty, err)
		}
		out = append(out, run)
	}
	return out
}

// Reads that wait together are served by one request: the merchant's latest
// runs, which hold them all; each is the run as its own GET answers it.
func TestTestRunCacheServesReadsFromTheLatestRuns(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	runs := runs(t, tp, portaltest.ClosedURL(t), 3)
	tc, rc := newCountedRunCache(t, tp, recentTestsPage)
	var wg sync.WaitGroup
	for _, want := range runs {
		wg.Go(func() {
			got := mustReadRun(t, tc, want.ID)
			if !equalRuns(got, want) {
				t.Errorf("read %s: %+v, want %+v", want.ID, got, want)
			}
		})
	}
	wg.Wait()
	if calls := rc.Snapshot(); calls["GET /v1/tests"] != 1 || total(calls) != 1 {
		t.Errorf("requests %v, want the one listing of the latest runs", calls)
	}
}

// A run beyond the latest ones is read in a batch of the ids that wait; a
// run absent from the batch is asked for on its own, so the 404 that
// removes it from the state is the portal's answer for it.
func TestTestRunCacheConfirmsAbsenceWithTheRunsOwnAnswer(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	runs := runs(t, tp, portaltest.ClosedURL(t), 2)
	tc, rc := newCountedRunCache(t, tp, 1) // the latest run only: runs[0] needs a batch
	ghost := uuid.NewString()
	var wg sync.WaitGroup
	wg.Go(func() {
		if got := mustReadRun(t, tc, runs[0].ID); !equalRuns(got, runs[0]) {
			t.Errorf("read %s: %+v", runs[0].ID, got)
		}
	})
	wg.Go(func() {
		if _, err := tc.Read(context.Background(), ghost); !client.IsNotFound(err) {
			t.Errorf("read of a run that does not exist: err = %v, want 404", err)
		}
	})
	wg.Wait()
	calls := rc.Snapshot()
	if calls["GET /v1/tests"] < 2 || calls["GET /v1/tests/"+ghost] != 1 || calls["GET /v1/tests/"+runs[0].ID] != 0 {
		t.Errorf("requests %v, want the latest runs, a batch, and one GET of the missing run only", calls)
	}
}

// A run that a batch's answer leaves out although it exists (a request
// racing a change could) is still read: absence is never taken from a batch.
func TestTestRunCacheReadsARunMissingFromABatch(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	runs := runs(t, tp, portaltest.ClosedURL(t), 2)
	tc, rc := newCountedRunCache(t, tp, 1) // the latest run only: runs[0] needs a batch
	batch := tc.batch
	tc.batch = func(ctx context.Context, ids []string) ([]jwo.ConnectivityTest, error) {
		got, err := batch(ctx, ids)
		return slices.DeleteFunc(got, func(r jwo.ConnectivityTest) bool { return r.ID == runs[0].ID }), err
	}
	if got := mustReadRun(t, tc, runs[0].ID); !equalRuns(got, runs[0]) {
		t.Errorf("read %s: %+v, want %+v", runs[0].ID, got, runs[0])
	}
	if calls := rc.Snapshot(); calls["GET /v1/tests"] != 2 || calls["GET /v1/tests/"+runs[0].ID] != 1 {
		t.Errorf("requests %v, want the latest runs, a batch, and the run's own GET", calls)
	}
}

// Each entry is handed out once: a second Read of a run asks the portal.
func TestTestRunCacheHandsEachEntryOutOnce(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	runs := runs(t, tp, portaltest.ClosedURL(t), 1)
	tc, rc := newCountedRunCache(t, tp, recentTestsPage)
	mustReadRun(t, tc, runs[0].ID)
	mustReadRun(t, tc, runs[0].ID)
	if calls := rc.Snapshot(); calls["GET /v1/tests"] != 1 || calls["GET /v1/tests/"+runs[0].ID] != 1 {
		t.Errorf("requests %v, want one listing and one GET of the run", calls)
	}
}

// A request answered before a Create of this process, but that arrives
// after it, never replaces the Create's answer.
func TestTestRunCacheCreateIsNeverHiddenByAnOlderRequest(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	runs := runs(t, tp, portaltest.ClosedURL(t), 2)
	tc, _ := newCountedRunCache(t, tp, recentTestsPage)
	answered, release := make(chan struct{}), make(chan struct{})
	recent := tc.recent
	tc.recent = func(ctx context.Context, limit int) ([]jwo.ConnectivityTest, error) {
		got, err := recent(ctx, limit)
		close(answered)
		<-release
		return got, err
	}
	first := make(chan jwo.ConnectivityTest, 1)
	go func() { first <- mustReadRun(t, tc, runs[0].ID) }()
	<-answered // the listing holds runs[1] as the portal has it
	created := runs[1]
	created.Message = "as the Create of this process answered it"
	tc.Created(created)
	close(release)
	<-first
	if got := mustReadRun(t, tc, runs[1].ID); got.Message != created.Message {
		t.Errorf("read after the Create: message %q, want the Create's %q", got.Message, created.Message)
	}
}

// A run still RUNNING is served as the portal has it now, RUNNING, and the
// next walk's cache sees it finished.
func TestTestRunCacheRefreshesARunningRun(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	putConnector(t, tp, storeJWO, jwo.MethodLoyalty, portaltest.SilentConnector(t))
	started, err := tp.Operator.StartTest(context.Background(), storeJWO, jwo.MethodLoyalty, "", "")
	if err != nil {
		t.Fatal(err)
	}
	tc, rc := newCountedRunCache(t, tp, recentTestsPage)
	if got := mustReadRun(t, tc, started.ID); got.Status != jwo.TestRunning || got.CompletedAt != nil {
		t.Errorf("a running run read as %s (completed %v)", got.Status, got.CompletedAt)
	}
	done, err := tp.Operator.WaitTest(context.Background(), started.ID)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := newCountedRunCache(t, tp, recentTestsPage)
	if got := mustReadRun(t, next, started.ID); got.Status != done.Status || !equalRuns(got, done) {
		t.Errorf("the next walk read %+v, want the finished run %+v", got, done)
	}
	if calls := rc.Snapshot(); calls["GET /v1/tests"] != 1 || total(calls) != 1 {
		t.Errorf("requests %v, want the one listing", calls)
	}
}

// equalRuns compares what the resource records of a run.
func equalRuns(a, b jwo.ConnectivityTest) bool {
	return a.ID == b.ID && a.Status == b.Status && a.Reason == b.Reason && a.Message == b.Message &&
		a.HTTPStatus == b.HTTPStatus && a.LatencyMS == b.LatencyMS && a.EndpointURL == b.EndpointURL &&
		a.StartedAt.Equal(b.StartedAt) && (a.CompletedAt == nil) == (b.CompletedAt == nil)
}

// An id that is not a run id (a mistyped import) is read on its own: in a
// batch the portal would refuse the whole list, and every other Read of the
// walk would then pay a GET.
func TestTestRunCacheReadsAMalformedIDOnItsOwn(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	runs := runs(t, tp, portaltest.ClosedURL(t), 2)
	tc, rc := newCountedRunCache(t, tp, 1) // the latest run only: runs[0] needs a batch
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := tc.Read(context.Background(), "not-a-run"); !client.IsNotFound(err) {
			t.Errorf("read of a malformed id: err = %v, want 404", err)
		}
	})
	wg.Go(func() {
		if got := mustReadRun(t, tc, runs[0].ID); !equalRuns(got, runs[0]) {
			t.Errorf("read %s: %+v", runs[0].ID, got)
		}
	})
	wg.Wait()
	calls := rc.Snapshot()
	if calls["GET /v1/tests/not-a-run"] != 1 || calls["GET /v1/tests/"+runs[0].ID] != 0 || calls["GET /v1/tests"] != 2 {
		t.Errorf("requests %v, want the latest runs, a batch of the run, and one GET of the malformed id", calls)
	}
}
