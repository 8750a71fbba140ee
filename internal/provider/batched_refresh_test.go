package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// withFleet adds n stores to acme's seed for which every method applies
// (portaltest.FourMethodStores) and returns their ids.
func withFleet(prefix string, n int) (testPortalOption, []string) {
	stores := portaltest.FourMethodStores(prefix, n)
	ids := make([]string, n)
	for i, s := range stores {
		ids[i] = s.ID
	}
	return portaltest.WithStores(accMerchant, stores...), ids
}

// fleetHCL declares the four connectors of each store, as fleetConnectors
// saves them.
func fleetHCL(storeIDs []string, url string) string {
	var b strings.Builder
	for _, id := range storeIDs {
		for _, m := range jwo.Methods {
			b.WriteString(connectorHCL(strings.ToLower(id+"_"+string(m)), id, string(m), url, "PUBLIC"))
		}
	}
	return b.String()
}

// requestsSince is the requests counted since before, by "METHOD /path".
func requestsSince(rc *requestCounter, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range rc.Snapshot() {
		if d := n - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

func total(calls map[string]int) int {
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}

// checkRequests is a Check that hands the requests made since *before to f.
func checkRequests(rc *requestCounter, before *map[string]int, f func(calls map[string]int) error) resource.TestCheckFunc {
	return func(*terraform.State) error { return f(requestsSince(rc, *before)) }
}

// summary prints calls sorted, for failure messages.
func summary(calls map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(calls)) {
		fmt.Fprintf(&b, "\n  %4d %s", calls[k], k)
	}
	return b.String()
}

// Creating 40 connectors over 10 stores costs their 40 PUTs and one listing
// of the stores in each of the two walks: the plan-time store check still
// runs (TestAccStoreConnector_planTimeErrors), from one request per walk.
func TestAccStoreConnector_applyCostsAPutAndLittleElse(t *testing.T) {
	fleet, ids := withFleet("acme-new", 10)
	tp := newTestPortal(t, fleet)
	endpoint, rc := tp.CountingEndpoint(t, "")
	config := providerConfigAt(endpoint, tp.OperatorToken) + fleetHCL(ids, urlPublicA)
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			PreConfig: func() { before = rc.Snapshot() },
			Config:    config,
			Check: checkRequests(rc, &before, func(calls map[string]int) error {
				puts := 0
				for k, n := range calls {
					if strings.HasPrefix(k, "PUT ") {
						puts += n
					}
				}
				if puts != 40 || total(calls) > 44 {
					return fmt.Errorf("the apply of 40 connectors made %d requests, %d of them PUTs; want 40 PUTs and at most 44 in all:%s",
						total(calls), puts, summary(calls))
				}
				t.Logf("apply of 40 connectors: %d requests, %d of them PUTs", total(calls), puts)
				return nil
			}),
		}},
	})
}

// fleetImportHCL adopts the four connectors of each store with import blocks.
func fleetImportHCL(storeIDs []string) string {
	var b strings.Builder
	for _, id := range storeIDs {
		for _, m := range jwo.Methods {
			fmt.Fprintf(&b, "import {\n  to = jwo_store_connector.%s\n  id = %q\n}\n", strings.ToLower(id+"_"+string(m)), id+"/"+string(m))
		}
	}
	return b.String()
}

// fleetForgetHCL forgets the connectors of each store without deleting them,
// so that the test's final destroy has nothing to do.
func fleetForgetHCL(storeIDs []string) string {
	var b strings.Builder
	for _, id := range storeIDs {
		for _, m := range jwo.Methods {
			fmt.Fprintf(&b, "removed {\n  from = jwo_store_connector.%s\n  lifecycle {\n    destroy = false\n  }\n}\n", strings.ToLower(id+"_"+string(m)))
		}
	}
	return b.String()
}

// atMost is a Check that the requests since *before are at most n.
func atMost(rc *requestCounter, before *map[string]int, n int, what string) resource.TestCheckFunc {
	return checkRequests(rc, before, func(calls map[string]int) error {
		if total(calls) > n {
			return fmt.Errorf("%s made %d requests, want at most %d:%s", what, total(calls), n, summary(calls))
		}
		return nil
	})
}

// A no-op plan of 200 connectors over 50 stores, in a merchant whose 2,200
// connectors span three pages of the listing, costs a handful of requests
// instead of 200; the apply that made them one PUT each and little else.
func TestAccBatchedRefresh_200ConnectorsOver50Stores(t *testing.T) {
	fleet, fleetIDs := withFleet("acme-fleet", 500)
	ours, ids := withFleet("acme-new", 50)
	tp := newTestPortal(t, fleet, ours)
	tp.SaveConnectors(t, accMerchant, fleetIDs, urlPublicBPlain)
	endpoint, rc := tp.CountingEndpoint(t, "")
	config := providerConfigAt(endpoint, tp.OperatorToken) + fleetHCL(ids, urlPublicA)
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: append([]resource.TestStep{
			{
				PreConfig: func() { before = rc.Snapshot() },
				Config:    config,
				Check:     atMost(rc, &before, 220, "the apply of 200 connectors"),
			},
		}, noOpPlanCosts(t, rc, config, "200 connectors", 10)...),
	})
}

// One connector in a merchant of 2,000 costs at most two requests to
// refresh; a change and a deletion made outside Terraform are still seen.
func TestAccBatchedRefresh_oneConnectorInALargeMerchant(t *testing.T) {
	const addr = "jwo_store_connector.ordering"
	fleet, fleetIDs := withFleet("acme-fleet", 500)
	tp := newTestPortal(t, fleet)
	tp.SaveConnectors(t, accMerchant, fleetIDs, urlPublicBPlain)
	endpoint, rc := tp.CountingEndpoint(t, "")
	config := providerConfigAt(endpoint, tp.OperatorToken) + connectorHCL("ordering", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC")
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { before = rc.Snapshot() },
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					calls := requestsSince(rc, before)
					if total(calls) > 2 {
						t.Errorf("the no-op plan of one connector among 2,000 made %d requests, want at most 2:%s", total(calls), summary(calls))
					}
					tp.putConnector(t, accStoreJWO, jwo.MethodOrdering, urlOutOfBand)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("version")),
				}},
			},
			{
				PreConfig: func() {
					if err := tp.Operator.DeleteConnector(context.Background(), accStoreJWO, jwo.MethodOrdering, client.Precondition{}); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// Through a portal that allows one request a second (bursts of two),
// adopting 200 connectors and planning them again both succeed, with a few
// 429 answers at most: a request per connector would meet some 200.
func TestAccBatchedRefresh_rateLimitedPlan(t *testing.T) {
	fleet, ids := withFleet("acme-fleet", 50)
	tp := newTestPortal(t, fleet, withRateLimit(1))
	tp.SaveConnectors(t, accMerchant, ids, urlPublicA)
	endpoint, tl := tp.throttleWatchingEndpoint(t)
	config := providerConfigAt(endpoint, tp.OperatorToken) + fleetImportHCL(ids) + fleetHCL(ids, urlPublicA)
	limit := func() error {
		tl.mu.Lock()
		defer tl.mu.Unlock()
		t.Logf("%d answers, %d of them 429", tl.answers, tl.throttled)
		if tl.throttled > 5 {
			return fmt.Errorf("%d of %d answers were 429, want at most 5", tl.throttled, tl.answers)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: func(*terraform.State) error { return limit() }},
			{
				Config:   config,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					checkNow(limit),
				}},
			},
			// 200 DELETEs at one a second would take minutes and prove nothing.
			{Config: providerConfigAt(endpoint, tp.OperatorToken) + fleetForgetHCL(ids)},
		},
	})
}

// noOpPlanCosts are two steps: a plan of config that must change nothing,
// then a check that it made at most limit API requests.
func noOpPlanCosts(t *testing.T, rc *requestCounter, config, what string, limit int) []resource.TestStep {
	var before map[string]int
	return []resource.TestStep{
		{
			PreConfig: func() { before = rc.Snapshot() },
			Config:    config,
			PlanOnly:  true,
		},
		{
			PreConfig: func() {
				calls := requestsSince(rc, before)
				t.Logf("no-op plan of %s: %d requests:%s", what, total(calls), summary(calls))
				if total(calls) > limit {
					t.Errorf("the no-op plan of %s made %d requests, want at most %d:%s", what, total(calls), limit, summary(calls))
				}
			},
			Config:   config,
			PlanOnly: true,
		},
	}
}
