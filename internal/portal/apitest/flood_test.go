package apitest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// One merchant floods the runner with runs against an endpoint that never
// answers: its runs beyond the bound are 429 with Retry-After and a detail
// that says why (a retry of one of its runs is still answered), and another
// merchant's run, started after the flood, is
// not delayed by more than one run's timeout (with a shared FIFO queue it
// would wait for the whole flood: 8 runs on 2 workers at 2 s each).
func TestFloodingMerchantCannotDelayAnother(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	e := newEnv(t, func(s *portaltest.Setup) {
		s.Options.TestWorkers = 2
		s.Options.TestTimeout = timeout
		s.Options.MaxRunsPerMerchant = 8
	})
	ctx := t.Context()
	conn, _ := sampleConnector(t)
	put(t, e.operator, storeFull, jwo.MethodIdentity, portaltest.SilentConnector(t))
	if _, _, err := e.other.PutConnector(ctx, storeOurs, jwo.MethodIdentity,
		jwo.ConnectorInput{EndpointURL: conn.URL, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
		t.Fatal(err)
	}

	flood := e.client(e.tp.OperatorToken) // no retries: the 429 is the answer asserted
	var refused error
	accepted := 0
	firstKey := client.NewIdempotencyKey()
	var first jwo.ConnectivityTest
	for i := range 12 {
		key := client.NewIdempotencyKey()
		if i == 0 {
			key = firstKey
		}
		run, err := flood.StartTest(ctx, storeFull, jwo.MethodIdentity, "", key)
		if err != nil {
			refused = err
			break
		}
		if i == 0 {
			first = run
		}
		accepted++
	}
	if accepted != 8 {
		t.Fatalf("the flooding merchant started %d runs (then %v); want exactly its bound of 8", accepted, refused)
	}
	var apiErr *client.APIError
	if !errors.As(refused, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests ||
		!strings.Contains(apiErr.Problem.Detail, "8 connectivity test runs queued or running") {
		t.Fatalf("the 9th run: %v; want 429 saying the merchant has 8 runs queued or running", refused)
	}

	// A retry of a run that exists is no new run: it is answered at the bound.
	if again, err := flood.StartTest(ctx, storeFull, jwo.MethodIdentity, "", firstKey); err != nil || again.ID != first.ID {
		t.Errorf("a retry of the first run's Idempotency-Key at the bound: %v, %v; want run %s again", again.ID, err, first.ID)
	}

	start := time.Now()
	other, err := e.other.StartTest(ctx, storeOurs, jwo.MethodIdentity, "", client.NewIdempotencyKey())
	if err != nil {
		t.Fatalf("the other merchant's run: %v", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	done, err := e.other.WaitTest(wctx, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	waited := time.Since(start)
	if done.Status != jwo.TestSuccessful {
		t.Errorf("the other merchant's run: %s %s %q", done.Status, done.Reason, done.Message)
	}
	// One run's timeout for a worker to come free, plus slack for a loaded
	// machine; the shared queue took 8 s here.
	if limit := timeout + 2*time.Second; waited > limit {
		t.Errorf("the other merchant's run took %s behind the flood; want at most %s", waited.Round(time.Millisecond), limit)
	}
}
