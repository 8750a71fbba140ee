package provider

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// skuFreeMethods are the methods whose test sends no SKU.
var skuFreeMethods = []jwo.Method{jwo.MethodIdentity, jwo.MethodLoyalty, jwo.MethodFraudAndAbuse}

// saveFleetRuns records a finished run of three methods of each store
// straight into the portal's database, in one transaction (150 runs through
// the tester would only slow the test down), and returns their ids.
func (tp *testPortal) saveFleetRuns(t *testing.T, storeIDs []string) []string {
	t.Helper()
	ctx := context.Background()
	db := tp.OpenStore(t)
	var ids []string
	err := db.Write(ctx, func(tx *store.Tx) error {
		ids = ids[:0] // the store may run this again (store.DB.Write)
		for _, s := range storeIDs {
			for _, m := range skuFreeMethods {
				started := store.Now()
				done := started.Add(12 * time.Millisecond)
				run, err := tx.InsertTest(ctx, store.Test{
					ConnectivityTest: jwo.ConnectivityTest{
						ID: uuid.NewString(), StoreID: s, Method: m, EndpointURL: urlPublicA, EndpointType: jwo.EndpointPublic,
						Status: jwo.TestSuccessful, HTTPStatus: 200, LatencyMS: 12, StartedAt: started, CompletedAt: &done, TriggeredBy: "fleet",
					},
					MerchantID: accMerchant, ConnectorUID: uuid.NewString(), ConnectorVersion: 1,
				})
				if err != nil {
					return err
				}
				ids = append(ids, run.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("save fleet runs: %v", err)
	}
	return ids
}

// fleetTestsHCL adopts the runs of three methods of each store (as
// saveFleetRuns recorded them, in that order) with import blocks.
func fleetTestsHCL(storeIDs, runIDs []string) string {
	var b strings.Builder
	i := 0
	for _, id := range storeIDs {
		for _, m := range skuFreeMethods {
			name := strings.ToLower(id + "_" + string(m))
			fmt.Fprintf(&b, "import {\n  to = jwo_connectivity_test.%s\n  id = %q\n}\n", name, runIDs[i])
			fmt.Fprintf(&b, "resource \"jwo_connectivity_test\" %q {\n  store_id = %q\n  method   = %q\n}\n", name, id, m)
			i++
		}
	}
	return b.String()
}

// Adopting 150 connectivity test runs, and a no-op plan of them, cost a
// handful of requests each, not 150: the merchant's latest runs hold them all.
func TestAccBatchedRefresh_150ConnectivityTests(t *testing.T) {
	fleet, ids := withFleet("acme-tests", 50)
	tp := newTestPortal(t, fleet)
	runIDs := tp.saveFleetRuns(t, ids)
	endpoint, rc := tp.CountingEndpoint(t, "")
	config := providerConfigAt(endpoint, tp.OperatorToken) + fleetTestsHCL(ids, runIDs)
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: append([]resource.TestStep{
			{
				PreConfig: func() { before = rc.Snapshot() },
				Config:    config,
				Check:     atMost(rc, &before, 8, "adopting 150 connectivity test runs"),
			},
		}, noOpPlanCosts(t, rc, config, "150 connectivity tests", 4)...),
	})
}

// deleteRun removes a run from the portal's database, as no API call can:
// the portal keeps every run's history.
func (tp *testPortal) deleteRun(t *testing.T, id string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+tp.DB+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	res, err := db.ExecContext(context.Background(), "DELETE FROM tests WHERE id = ?", id)
	if err != nil {
		t.Fatalf("delete run %s: %v", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("delete run %s: %d rows, %v", id, n, err)
	}
}

// A run that no longer exists leaves the state (the plan creates it anew),
// from the portal's own 404 for that run, while the other run stays.
func TestAccBatchedRefresh_deletedRunLeavesTheState(t *testing.T) {
	tp := newTestPortal(t)
	url := closedLoopbackURL(t)
	tp.putConnector(t, accStoreJWO, jwo.MethodIdentity, url)
	tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, url)
	endpoint, rc := tp.CountingEndpoint(t, "")
	config := providerConfigAt(endpoint, tp.OperatorToken) + `
resource "jwo_connectivity_test" "gone" {
  store_id = "` + accStoreJWO + `"
  method   = "IDENTITY"
}
resource "jwo_connectivity_test" "kept" {
  store_id = "` + accStoreJWO + `"
  method   = "LOYALTY"
}
`
	var gone string
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: rememberID("jwo_connectivity_test.gone", &gone)},
			{
				PreConfig: func() {
					tp.deleteRun(t, gone)
					before = rc.Snapshot()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("jwo_connectivity_test.gone", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("jwo_connectivity_test.kept", plancheck.ResourceActionNoop),
					checkNow(func() error {
						calls := requestsSince(rc, before)
						if calls["GET /v1/tests/"+gone] != 1 {
							return fmt.Errorf("the refresh asked GET /v1/tests/%s %d times, want once: the 404 must be the portal's answer for the run:%s",
								gone, calls["GET /v1/tests/"+gone], summary(calls))
						}
						return nil
					}),
				}},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources["jwo_connectivity_test.gone"].Primary.ID; id == gone {
						return fmt.Errorf("the deleted run %s is still in state", id)
					}
					return nil
				},
			},
		},
	})
}

// Against a portal without GET /v1/tests, adopting runs and planning them
// again still read every run, each with its own GET, and find nothing to
// change.
func TestAccBatchedRefresh_testRunsWithoutTheBatchRoute(t *testing.T) {
	fleet, ids := withFleet("acme-tests", 2)
	tp := newTestPortal(t, fleet)
	runIDs := tp.saveFleetRuns(t, ids)
	endpoint, rc := tp.CountingEndpoint(t, "GET /v1/tests")
	config := providerConfigAt(endpoint, tp.OperatorToken) + fleetTestsHCL(ids, runIDs)
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: func(*terraform.State) error {
				before = rc.Snapshot()
				return nil
			}},
			{
				Config:   config,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					checkNow(func() error {
						calls := requestsSince(rc, before)
						if len(runIDs) != 6 || calls["GET /v1/tests"] == 0 {
							return fmt.Errorf("%d runs in state, want 6; the batch route was asked %d times, want at least once",
								len(runIDs), calls["GET /v1/tests"])
						}
						for _, id := range runIDs {
							if calls["GET /v1/tests/"+id] == 0 {
								return fmt.Errorf("run %s was not read with its own GET:%s", id, summary(calls))
							}
						}
						return nil
					}),
				}},
			},
		},
	})
}
