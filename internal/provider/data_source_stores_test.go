package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// acme has 3 seeded stores; 110 generated ones make 113, more than the
// portal's page of 100. In id order: acme-cart-01, acme-gen-0001..0110,
// acme-sea-01, acme-sea-02.
const accGenerated = 110

// accSeaStore is acme-sea-01 exactly as jwo_stores and jwo_store show it.
var accSeaStore = map[string]knownvalue.Check{
	"id":                       knownvalue.StringExact(accStoreJWO),
	"name":                     knownvalue.StringExact("Acme Seattle 1"),
	"store_type":               knownvalue.StringExact("JWO"),
	"region":                   knownvalue.StringExact("us-east-1"),
	"entry_methods":            stringList("APP_QR", "CREDIT_CARD"),
	"fraud_and_abuse_strategy": knownvalue.StringExact("CUSTOMER_MANAGED"),
	"order_delegation":         knownvalue.Bool(true),
	"loyalty_program":          knownvalue.Bool(true),
	"required_methods":         stringList("IDENTITY", "LOYALTY", "ORDERING", "FRAUD_AND_ABUSE"),
	"completion_status":        knownvalue.StringExact("INCOMPLETE"),
	"missing_methods":          stringList("IDENTITY", "LOYALTY", "ORDERING", "FRAUD_AND_ABUSE"),
}

func TestAccDataSourceStores_readsEveryPage(t *testing.T) {
	tp := newTestPortal(t, withGeneratedStores(accGenerated))
	stores := tfjsonpath.New("stores")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tp.providerConfig(tp.ViewerToken) + `data "jwo_stores" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.jwo_stores.all", tfjsonpath.New("id"), knownvalue.StringExact("all")),
				// 113 distinct stores in id order: both pages, none twice,
				// and none of the other merchant's.
				statecheck.ExpectKnownValue("data.jwo_stores.all", stores, uniqueKeys("id", 3+accGenerated)),
				statecheck.ExpectKnownValue("data.jwo_stores.all", stores, sortedBy("id")),
				statecheck.ExpectKnownValue("data.jwo_stores.all", stores, knownvalue.ListPartial(map[int]knownvalue.Check{
					0: knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":                knownvalue.StringExact(accStoreDashCart),
						"store_type":        knownvalue.StringExact("DASH_CART"),
						"entry_methods":     stringList(),
						"required_methods":  stringList("ORDERING"),
						"completion_status": knownvalue.StringExact("INCOMPLETE"),
					}),
					// the last of the first page and the first of the second
					99:  knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact("acme-gen-0099")}),
					100: knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact("acme-gen-0100")}),
					110: knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":                knownvalue.StringExact("acme-gen-0110"),
						"region":            knownvalue.StringExact("us-west-2"),
						"required_methods":  stringList(),
						"completion_status": knownvalue.StringExact("NOT_REQUIRED"),
						"missing_methods":   stringList(),
					}),
					111: knownvalue.ObjectExact(accSeaStore),
					112: knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":                knownvalue.StringExact(accStoreNotRequired),
						"completion_status": knownvalue.StringExact("NOT_REQUIRED"),
					}),
				})),
			},
		}},
	})
}

func TestAccDataSourceStores_filters(t *testing.T) {
	// 210 generated stores: 105 need IDENTITY (odd numbers), 105 need
	// nothing, so the NOT_REQUIRED and IDENTITY listings span two pages too.
	tp := newTestPortal(t, withGeneratedStores(210))
	ids := func(vs ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(vs))
		for i, v := range vs {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(v)})
		}
		return knownvalue.ListExact(checks)
	}
	size := func(name string, n int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.jwo_stores."+name, tfjsonpath.New("stores"), uniqueKeys("id", n))
	}
	id := func(name, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.jwo_stores."+name, tfjsonpath.New("id"), knownvalue.StringExact(want))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tp.providerConfig(tp.ViewerToken) + `
data "jwo_stores" "dash_cart" {
  store_type = "DASH_CART"
}
data "jwo_stores" "ordering" {
  method = "ORDERING"
}
data "jwo_stores" "identity" {
  method = "IDENTITY"
}
data "jwo_stores" "not_required" {
  completion_status = "NOT_REQUIRED"
}
data "jwo_stores" "jwo_incomplete" {
  store_type        = "JWO"
  completion_status = "INCOMPLETE"
}
data "jwo_stores" "none" {
  store_type = "DASH_CART"
  method     = "IDENTITY"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.jwo_stores.dash_cart", tfjsonpath.New("stores"), ids(accStoreDashCart)),
				id("dash_cart", "store_type=DASH_CART"),
				statecheck.ExpectKnownValue("data.jwo_stores.ordering", tfjsonpath.New("stores"), ids(accStoreDashCart, accStoreJWO)),
				id("ordering", "method=ORDERING"),
				size("identity", 1+105),
				size("not_required", 1+105),
				statecheck.ExpectKnownValue("data.jwo_stores.not_required", tfjsonpath.New("stores"),
					knownvalue.ListPartial(map[int]knownvalue.Check{105: knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id": knownvalue.StringExact(accStoreNotRequired), "completion_status": knownvalue.StringExact("NOT_REQUIRED"),
					})})),
				size("jwo_incomplete", 1+105),
				id("jwo_incomplete", "store_type=JWO&completion_status=INCOMPLETE"),
				statecheck.ExpectKnownValue("data.jwo_stores.none", tfjsonpath.New("stores"), knownvalue.ListExact(nil)),
			},
		}},
	})
}

func TestAccDataSourceStores_invalidFilter(t *testing.T) {
	tp := newTestPortal(t)
	cases := map[string]string{
		"store_type":        "KIOSK",
		"completion_status": "DONE",
		"method":            "ordering", // enum values are upper case
	}
	var steps []resource.TestStep
	for attr, value := range cases {
		steps = append(steps, resource.TestStep{
			Config:      tp.providerConfig(tp.ViewerToken) + fmt.Sprintf(`data "jwo_stores" "bad" { %s = %q }`, attr, value),
			ExpectError: regexp.MustCompile(`(?s)` + attr + `.*value must be one of`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// Listing and totalling every store reads the store list page by page and
// never asks for a store, or its completion, one at a time.
func TestAccDataSourceStores_onlyListCalls(t *testing.T) {
	tp := newTestPortal(t, withGeneratedStores(accGenerated))
	endpoint, calls := tp.CountingEndpoint(t, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfigAt(endpoint, tp.ViewerToken) + `
data "jwo_stores" "all" {}
data "jwo_completion_status" "all" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.jwo_stores.all", tfjsonpath.New("stores"), knownvalue.ListSizeExact(3+accGenerated)),
				statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("total"), knownvalue.Int64Exact(3+accGenerated)),
			},
			Check: func(*terraform.State) error {
				got := calls.Snapshot()
				lists := got["GET /v1/stores"]
				// two data sources, two pages each, per read; Terraform may
				// read more than once per step
				if lists == 0 || lists%4 != 0 {
					return fmt.Errorf("GET /v1/stores was called %d times, want a multiple of 4 (2 data sources x 2 pages): %v", lists, got)
				}
				for call := range got {
					if strings.HasPrefix(call, "GET /v1/stores/") {
						return fmt.Errorf("unexpected per-store call %q: %v", call, got)
					}
				}
				return nil
			},
		}},
	})
}

func TestStoresFilterID(t *testing.T) {
	cases := []struct {
		filter client.StoreFilter
		want   string
	}{
		{client.StoreFilter{}, "all"},
		{client.StoreFilter{Method: jwo.MethodOrdering}, "method=ORDERING"},
		{client.StoreFilter{StoreType: jwo.StoreTypeJWO, CompletionStatus: jwo.CompletionIncomplete, Method: jwo.MethodIdentity},
			"store_type=JWO&completion_status=INCOMPLETE&method=IDENTITY"},
	}
	for _, c := range cases {
		if got := storesFilterID(c.filter); got != c.want {
			t.Errorf("storesFilterID(%+v) = %q, want %q", c.filter, got, c.want)
		}
	}
}
