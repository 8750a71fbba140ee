package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func TestAccDataSourceConnectivityTests_historyNewestFirst(t *testing.T) {
	tp := newTestPortal(t)
	conn := newTestConnector(t)
	closed := closedLoopbackURL(t)
	config := tp.providerConfig(tp.ViewerToken) + `
data "jwo_connectivity_tests" "all" {
  store_id = "acme-cart-01"
  method   = "ORDERING"
}

data "jwo_connectivity_tests" "latest" {
  store_id = "acme-cart-01"
  method   = "ORDERING"
  limit    = 1
}
`
	const all, latest = "data.jwo_connectivity_tests.all", "data.jwo_connectivity_tests.latest"
	var okRun, failedRun jwo.ConnectivityTest

	successful := func() knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":               knownvalue.StringFunc(func(v string) error { return sameString("id", v, okRun.ID) }),
			"store_id":         knownvalue.StringExact(accStoreDashCart),
			"method":           knownvalue.StringExact("ORDERING"),
			"sku":              knownvalue.StringExact(accSKU),
			"endpoint_url":     knownvalue.StringExact(conn.URL),
			"endpoint_type":    knownvalue.StringExact("PUBLIC"),
			"status":           knownvalue.StringExact("SUCCESSFUL"),
			"reason":           knownvalue.Null(),
			"message":          knownvalue.StringRegexp(regexp.MustCompile(`answered 201`)),
			"http_status":      knownvalue.Int64Exact(201),
			"latency_ms":       knownvalue.Int64Func(nonNegative),
			"response_excerpt": knownvalue.StringRegexp(regexpPurchaseID),
			"started_at":       knownvalue.StringRegexp(rfc3339),
			"completed_at":     knownvalue.StringRegexp(rfc3339),
			"triggered_by":     knownvalue.StringExact("acme-operator"),
			"suite":            knownvalue.StringExact("CONNECTIVITY"),
			"cases":            knownvalue.ListExact([]knownvalue.Check{}),
		})
	}
	unsuccessful := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"id":           knownvalue.StringFunc(func(v string) error { return sameString("id", v, failedRun.ID) }),
		"endpoint_url": knownvalue.StringExact(closed),
		"status":       knownvalue.StringExact("UNSUCCESSFUL"),
		"reason":       knownvalue.StringExact("connect"),
		"http_status":  knownvalue.Int64Exact(0),
		"completed_at": knownvalue.StringRegexp(rfc3339),
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// saved but never tested: no history yet
				PreConfig: func() { tp.putConnector(t, accStoreDashCart, jwo.MethodOrdering, conn.URL) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all, tfjsonpath.New("id"), knownvalue.StringExact(accStoreDashCart+"/ORDERING")),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("tests"), knownvalue.ListExact(nil)),
				},
			},
			{
				PreConfig: func() { okRun = tp.runTest(t, accStoreDashCart, jwo.MethodOrdering, accSKU) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all, tfjsonpath.New("tests"), knownvalue.ListExact([]knownvalue.Check{successful()})),
				},
			},
			{
				// the endpoint moves to a closed port and is tested again:
				// the failed run comes first, and limit = 1 keeps only it
				PreConfig: func() {
					tp.putConnector(t, accStoreDashCart, jwo.MethodOrdering, closed)
					failedRun = tp.runTest(t, accStoreDashCart, jwo.MethodOrdering, accSKU)
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all, tfjsonpath.New("tests"), knownvalue.ListExact([]knownvalue.Check{unsuccessful, successful()})),
					statecheck.ExpectKnownValue(latest, tfjsonpath.New("tests"), knownvalue.ListExact([]knownvalue.Check{unsuccessful})),
				},
			},
		},
	})
}

// A run started by a jwo_connectivity_test resource shows in the history.
func TestAccDataSourceConnectivityTests_afterTestResource(t *testing.T) {
	tp := newTestPortal(t)
	conn := newTestConnector(t)
	config := tp.providerConfig(tp.OperatorToken) + `
resource "jwo_store_connector" "loyalty" {
  store_id      = "acme-sea-01"
  method        = "LOYALTY"
  endpoint_url  = "` + conn.URL + `"
  endpoint_type = "PUBLIC"
}

resource "jwo_connectivity_test" "loyalty" {
  store_id = jwo_store_connector.loyalty.store_id
  method   = jwo_store_connector.loyalty.method
}

data "jwo_connectivity_tests" "loyalty" {
  store_id   = "acme-sea-01"
  method     = "LOYALTY"
  depends_on = [jwo_connectivity_test.loyalty]
}
`
	const addr = "data.jwo_connectivity_tests.loyalty"
	runID := statecheck.CompareValuePairs(
		"jwo_connectivity_test.loyalty", tfjsonpath.New("id"),
		addr, tfjsonpath.New("tests").AtSliceIndex(0).AtMapKey("id"),
		compare.ValuesSame(),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("tests"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status":       knownvalue.StringExact("SUCCESSFUL"),
						"http_status":  knownvalue.Int64Exact(200),
						"sku":          knownvalue.Null(),
						"endpoint_url": knownvalue.StringExact(conn.URL),
					}),
				})),
				runID,
			},
		}},
	})
}

func TestAccDataSourceConnectivityTests_errors(t *testing.T) {
	tp := newTestPortal(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tp.providerConfig(tp.ViewerToken) + `
data "jwo_connectivity_tests" "x" {
  store_id = "acme-nowhere"
  method   = "ORDERING"
}
`,
				ExpectError: errorRegexp(`connectivity tests of ORDERING for store "acme-nowhere" not found`),
			},
			{
				Config: tp.providerConfig(tp.ViewerToken) + `
data "jwo_connectivity_tests" "x" {
  store_id = "acme-cart-01"
  method   = "ORDERING"
  limit    = 0
}
`,
				ExpectError: errorRegexp("limit", "must be between 1 and 100"),
			},
		},
	})
}

// regexpPurchaseID: the sample connector's Ordering answer names the purchase.
var regexpPurchaseID = regexp.MustCompile(`purchaseId`)

func sameString(name, got, want string) error {
	if got != want {
		return fmt.Errorf("%s = %q, want %q", name, got, want)
	}
	return nil
}

func nonNegative(v int64) error {
	if v < 0 {
		return fmt.Errorf("%d is negative", v)
	}
	return nil
}
