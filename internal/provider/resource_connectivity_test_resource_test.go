package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// testHCL is a jwo_connectivity_test of the connector block named conn;
// extra is written inside the block as it is.
func testHCL(name, conn, extra string) string {
	return fmt.Sprintf(`
resource "jwo_connectivity_test" %q {
  store_id = jwo_store_connector.%s.store_id
  method   = jwo_store_connector.%s.method
  %s
}
`, name, conn, conn, extra)
}

// rememberID copies an attribute out of state for checks after destroy.
func rememberID(addr string, into *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, "id", func(v string) error {
		*into = v
		return nil
	})
}

func TestAccConnectivityTest_lifecycle(t *testing.T) {
	tp := newTestPortal(t)
	tc := newTestConnector(t)
	const addr = "jwo_connectivity_test.identity"
	config := func(failOnUnsuccessful bool) string {
		return tp.providerConfig(tp.OperatorToken) +
			connectorHCL("identity", accStoreJWO, "IDENTITY", tc.URL, "PUBLIC") +
			testHCL("identity", "identity", fmt.Sprintf("fail_on_unsuccessful = %t", failOnUnsuccessful))
	}
	var runID string
	sameRun := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := tp.checkConnectorsDestroyed(s); err != nil {
				return err
			}
			// Destroy forgets the run; the portal keeps the history.
			if _, err := tp.Viewer.GetTest(context.Background(), runID); err != nil {
				return fmt.Errorf("run %s is gone from the portal's history: %w", runID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("SUCCESSFUL")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("reason"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("http_status"), knownvalue.Int64Exact(200)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("latency_ms"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(tc.URL)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_type"), knownvalue.StringExact("PUBLIC")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("store_id"), knownvalue.StringExact(accStoreJWO)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("method"), knownvalue.StringExact("IDENTITY")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sku"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("started_at"), knownvalue.StringRegexp(timestampPattern)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("completed_at"), knownvalue.StringRegexp(timestampPattern)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("fail_on_unsuccessful"), knownvalue.Bool(false)),
					sameRun.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					rememberID(addr, &runID),
					func(*terraform.State) error {
						if n := tc.Connector.Calls(jwo.MethodIdentity); n != 1 {
							return fmt.Errorf("the connector was called %d times, want 1", n)
						}
						return nil
					},
				),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			// fail_on_unsuccessful changes in place and runs no new test.
			{
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("fail_on_unsuccessful"), knownvalue.Bool(true)),
					sameRun.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: func(*terraform.State) error {
					if n := tc.Connector.Calls(jwo.MethodIdentity); n != 1 {
						return fmt.Errorf("the connector was called %d times, want still 1", n)
					}
					return nil
				},
			},
		},
	})
}

// triggers wired to the connector's version re-run the test when the endpoint
// changes (the version is unknown in that plan, never stale), and a manual
// trigger re-runs it alone.
func TestAccConnectivityTest_triggersRerun(t *testing.T) {
	tp := newTestPortal(t)
	first, second := newTestConnector(t), newTestConnector(t)
	const (
		connAddr = "jwo_store_connector.loyalty"
		addr     = "jwo_connectivity_test.loyalty"
	)
	config := func(url, round string) string {
		return tp.providerConfig(tp.OperatorToken) +
			connectorHCL("loyalty", accStoreJWO, "LOYALTY", url, "PUBLIC") +
			testHCL("loyalty", "loyalty", fmt.Sprintf(`triggers = {
    version = jwo_store_connector.loyalty.version
    round   = %q
  }`, round))
	}
	newRun := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(first.URL, "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					newRun.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(first.URL)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: config(second.URL, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(connAddr, tfjsonpath.New("version")),
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newRun.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(second.URL)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("SUCCESSFUL")),
				},
			},
			{
				Config: config(second.URL, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connAddr, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{newRun.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					if n := second.Connector.Calls(jwo.MethodLoyalty); n != 2 {
						return fmt.Errorf("the second connector was called %d times, want 2", n)
					}
					return nil
				},
			},
		},
	})
}

// A closed port is recorded as UNSUCCESSFUL (connect); with
// fail_on_unsuccessful the apply fails and the run is not kept in state.
func TestAccConnectivityTest_unsuccessful(t *testing.T) {
	tp := newTestPortal(t)
	closed := closedLoopbackURL(t)
	const addr = "jwo_connectivity_test.record"
	base := tp.providerConfig(tp.OperatorToken) +
		connectorHCL("identity", accStoreJWO, "IDENTITY", closed, "PUBLIC") +
		testHCL("record", "identity", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{
				Config: base,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("UNSUCCESSFUL")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("reason"), knownvalue.StringExact("connect")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("message"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("http_status"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(closed)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:      base + testHCL("strict", "identity", "fail_on_unsuccessful = true"),
				ExpectError: errorPattern("Connectivity test UNSUCCESSFUL", "failed: reason connect:", "fail_on_unsuccessful is true"),
			},
			// Had the failed run been kept, dropping it from the configuration
			// would plan its removal.
			{
				Config:           base,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The Ordering test puts the SKU in its cart; the sample connector answers 201.
func TestAccConnectivityTest_orderingWithSKU(t *testing.T) {
	tp := newTestPortal(t)
	tc := newTestConnector(t)
	const addr = "jwo_connectivity_test.ordering"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			Config: tp.providerConfig(tp.OperatorToken) +
				connectorHCL("ordering", accStoreDashCart, "ORDERING", tc.URL, "PUBLIC") +
				testHCL("ordering", "ordering", fmt.Sprintf("sku = %q", accSKU)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("SUCCESSFUL")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("http_status"), knownvalue.Int64Exact(201)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("sku"), knownvalue.StringExact(accSKU)),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// timeouts.create bounds the wait: a connector that never answers fails the
// apply when it runs out, not after the portal's own call timeout.
func TestAccConnectivityTest_createTimeout(t *testing.T) {
	tp := newTestPortal(t)
	tc := newTestConnector(t)
	tc.Connector.SetFault(jwo.MethodIdentity, connector.Hang)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			Config: tp.providerConfig(tp.OperatorToken) +
				connectorHCL("identity", accStoreJWO, "IDENTITY", tc.URL, "PUBLIC") +
				testHCL("identity", "identity", `timeouts {
    create = "1s"
  }`),
			ExpectError: errorPattern("Connectivity test did not finish in time", "was still RUNNING after 1s", "Raise timeouts.create"),
		}},
	})
}

// A viewer may read runs but not start one.
func TestAccConnectivityTest_viewerCannotRun(t *testing.T) {
	tp := newTestPortal(t)
	tc := newTestConnector(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				in := jwo.ConnectorInput{EndpointURL: tc.URL, EndpointType: jwo.EndpointPublic}
				if _, _, err := tp.Operator.PutConnector(context.Background(), accStoreJWO, jwo.MethodIdentity, in, client.Precondition{IfNoneMatch: true}); err != nil {
					t.Fatalf("save connector: %v", err)
				}
			},
			Config: tp.providerConfig(tp.ViewerToken) + fmt.Sprintf(`
resource "jwo_connectivity_test" "identity" {
  store_id = %q
  method   = "IDENTITY"
}
`, accStoreJWO),
			ExpectError: errorPattern("The token's role may not change connectors or run tests: use an operator or admin token"),
		}},
	})
}

// The SKU rule and the value forms fail the plan.
func TestAccConnectivityTest_planTimeErrors(t *testing.T) {
	tp := newTestPortal(t)
	cases := []struct {
		name, method, extra string
		want                []string
	}{
		{"ordering without sku", "ORDERING", "", []string{"Missing SKU for the ORDERING test", "set sku to the SKU of an item in the store's catalog"}},
		{"sku on identity", "IDENTITY", `sku = "WATER-500"`, []string{"SKU not allowed for this method", "this IDENTITY test sends no cart: leave sku out"}},
		{"sku form", "ORDERING", `sku = "-water"`, []string{`SKU "-water" is invalid`}},
		{"method enum", "PAYMENT", "", []string{"Attribute method value must be one of"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tp.providerConfig(tp.OperatorToken) + fmt.Sprintf(`
resource "jwo_connectivity_test" "t" {
  store_id = %q
  method   = %q
  %s
}
`, accStoreJWO, c.method, c.extra),
					PlanOnly:    true,
					ExpectError: errorPattern(c.want...),
				}},
			})
		})
	}
}
