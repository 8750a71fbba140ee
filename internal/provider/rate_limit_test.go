package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/api"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// withRateLimit starts the portal with a per-token limit of perSecond
// requests a second (burst 2x), as `jwo-portal serve --rate-limit` does.
func withRateLimit(perSecond int) testPortalOption {
	return portaltest.WithAPIOptions(func(o *api.Options) { o.RateLimit = perSecond })
}

// throttleLog records the portal's 429 answers and their Retry-After.
type throttleLog struct {
	mu          sync.Mutex
	answers     int
	throttled   int
	retryAfters map[string]int
}

// throttleWatchingEndpoint serves the portal behind a loopback listener that
// watches its answers, and returns that endpoint's URL.
func (tp *testPortal) throttleWatchingEndpoint(t *testing.T) (string, *throttleLog) {
	t.Helper()
	tl := &throttleLog{retryAfters: map[string]int{}}
	h := tp.Handler()
	srv := newLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		tl.mu.Lock()
		defer tl.mu.Unlock()
		tl.answers++
		if rec.status == http.StatusTooManyRequests {
			tl.throttled++
			tl.retryAfters[w.Header().Get("Retry-After")]++
		}
	}))
	return srv.URL, tl
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// A portal limited to 1 request a second (burst 2) throttles the provider's
// parallel reads; apply and plan still succeed, with the provider's default
// retries, because the client waits as Retry-After says. The test proves
// something only if some answer was a 429, in the apply or in the plan: on a
// machine loaded enough (several suites of the matrix at once), the plan's
// few batched reads can come more than a second apart and meet a full
// bucket, so the plan alone need not be throttled.
func TestAccRateLimitedPortal_planSucceeds(t *testing.T) {
	tp := newTestPortal(t, withRateLimit(1))
	endpoint, tl := tp.throttleWatchingEndpoint(t)
	config := providerConfigAt(endpoint, tp.OperatorToken) +
		connectorHCL("identity", accStoreJWO, "IDENTITY", urlPublicA, "PUBLIC") +
		connectorHCL("fraud", accStoreJWO, "FRAUD_AND_ABUSE", urlPrivate, "PRIVATE") + `
data "jwo_completion_status" "this" {
  store_id   = "` + accStoreJWO + `"
  depends_on = [jwo_store_connector.identity, jwo_store_connector.fraud]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  resource.TestCheckResourceAttr("data.jwo_completion_status.this", "stores.0.missing_methods.#", "2"),
			},
			{
				Config:   config,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					checkNow(func() error {
						tl.mu.Lock()
						defer tl.mu.Unlock()
						t.Logf("%d answers, %d of them 429; Retry-After values: %v", tl.answers, tl.throttled, tl.retryAfters)
						if tl.throttled == 0 {
							return errors.New("neither the apply nor the plan was throttled, so the test proves nothing about 429")
						}
						for ra, n := range tl.retryAfters {
							if ra == "" || ra == "0" {
								return fmt.Errorf("%d answers 429 carried Retry-After %q, want whole seconds > 0", n, ra)
							}
						}
						return nil
					}),
				}},
			},
		},
	})
}

// checkNow is a plan check that checks something other than the plan, at
// the moment the plan is made.
type checkNow func() error

func (f checkNow) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}
