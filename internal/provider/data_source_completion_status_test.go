package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// completionTotals checks the totals of data.jwo_completion_status.<name>.
func completionTotals(name string, total, complete, incomplete, notRequired int64) []statecheck.StateCheck {
	addr := "data.jwo_completion_status." + name
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("total"), knownvalue.Int64Exact(total)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("complete"), knownvalue.Int64Exact(complete)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("incomplete"), knownvalue.Int64Exact(incomplete)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("not_required"), knownvalue.Int64Exact(notRequired)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("stores"), knownvalue.ListSizeExact(int(total))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("incomplete_store_ids"), knownvalue.ListSizeExact(int(incomplete))),
	}
}

// completionEntry is one element of stores.
func completionEntry(storeID, status string, required, configured, missing []string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"store_id":           knownvalue.StringExact(storeID),
		"completion_status":  knownvalue.StringExact(status),
		"required_methods":   stringList(required...),
		"configured_methods": stringList(configured...),
		"missing_methods":    stringList(missing...),
	})
}

func TestAccDataSourceCompletionStatus_countsFollowConnectors(t *testing.T) {
	tp := newTestPortal(t, withGeneratedStores(accGenerated))
	config := tp.providerConfig(tp.ViewerToken) + `
data "jwo_completion_status" "all" {}

data "jwo_completion_status" "cart" {
  store_id = "acme-cart-01"
}
`
	// 113 stores: acme-cart-01, acme-sea-01 and the 55 odd generated ones
	// are INCOMPLETE; acme-sea-02 and the 55 even ones are NOT_REQUIRED.
	incompleteIDs := append([]string{accStoreDashCart}, oddGenerated(accGenerated)...)
	incompleteIDs = append(incompleteIDs, accStoreJWO)
	url := "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	ordering := []string{"ORDERING"}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: slices.Concat(completionTotals("all", 113, 0, 57, 56), completionTotals("cart", 1, 0, 1, 0), []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("id"), knownvalue.StringExact("all")),
					statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("incomplete_store_ids"), stringList(incompleteIDs...)),
					statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("stores"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0:   completionEntry(accStoreDashCart, "INCOMPLETE", ordering, nil, ordering),
						1:   completionEntry("acme-gen-0001", "INCOMPLETE", []string{"IDENTITY"}, nil, []string{"IDENTITY"}),
						2:   completionEntry("acme-gen-0002", "NOT_REQUIRED", nil, nil, nil),
						112: completionEntry(accStoreNotRequired, "NOT_REQUIRED", nil, nil, nil),
					})),
					statecheck.ExpectKnownValue("data.jwo_completion_status.cart", tfjsonpath.New("id"), knownvalue.StringExact(accStoreDashCart)),
					statecheck.ExpectKnownValue("data.jwo_completion_status.cart", tfjsonpath.New("stores"), knownvalue.ListExact([]knownvalue.Check{
						completionEntry(accStoreDashCart, "INCOMPLETE", ordering, nil, ordering),
					})),
				}),
			},
			{
				// the Dash Cart store's only required method is saved: COMPLETE
				PreConfig: func() { tp.putConnector(t, accStoreDashCart, jwo.MethodOrdering, url) },
				Config:    config,
				ConfigStateChecks: slices.Concat(completionTotals("all", 113, 1, 56, 56), completionTotals("cart", 1, 1, 0, 0), []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("stores"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: completionEntry(accStoreDashCart, "COMPLETE", ordering, ordering, nil),
					})),
					statecheck.ExpectKnownValue("data.jwo_completion_status.cart", tfjsonpath.New("stores"), knownvalue.ListExact([]knownvalue.Check{
						completionEntry(accStoreDashCart, "COMPLETE", ordering, ordering, nil),
					})),
					statecheck.ExpectKnownValue("data.jwo_completion_status.cart", tfjsonpath.New("incomplete_store_ids"), stringList()),
				}),
			},
			{
				// two of acme-sea-01's four methods: still INCOMPLETE, with
				// what is configured and what is missing
				PreConfig: func() {
					tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, url)
					tp.putConnector(t, accStoreJWO, jwo.MethodFraudAndAbuse, url)
					tp.putConnector(t, "acme-gen-0001", jwo.MethodIdentity, url)
				},
				Config: config,
				ConfigStateChecks: slices.Concat(completionTotals("all", 113, 2, 55, 56), []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("stores"), knownvalue.ListPartial(map[int]knownvalue.Check{
						1: completionEntry("acme-gen-0001", "COMPLETE", []string{"IDENTITY"}, []string{"IDENTITY"}, nil),
						111: completionEntry(accStoreJWO, "INCOMPLETE",
							[]string{"IDENTITY", "LOYALTY", "ORDERING", "FRAUD_AND_ABUSE"},
							[]string{"LOYALTY", "FRAUD_AND_ABUSE"},
							[]string{"IDENTITY", "ORDERING"}),
					})),
				}),
			},
		},
	})
}

// A connector added by a jwo_store_connector resource in the same
// configuration is counted when the data source depends on it.
func TestAccDataSourceCompletionStatus_dependsOnConnectorResource(t *testing.T) {
	tp := newTestPortal(t)
	base := tp.providerConfig(tp.OperatorToken) + `
data "jwo_completion_status" "all" {
  depends_on = [jwo_store_connector.cart]
}
`
	connector := `
resource "jwo_store_connector" "cart" {
  store_id      = "acme-cart-01"
  method        = "ORDERING"
  endpoint_url  = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
  endpoint_type = "PUBLIC"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            base + connector,
				ConfigStateChecks: completionTotals("all", 3, 1, 1, 1),
			},
			{
				// removing the resource destroys the connector; without
				// depends_on the data source was read at plan time, before that
				Config: tp.providerConfig(tp.OperatorToken) + `data "jwo_completion_status" "all" {}`,
			},
			{
				Config: tp.providerConfig(tp.OperatorToken) + `data "jwo_completion_status" "all" {}`,
				ConfigStateChecks: append(completionTotals("all", 3, 0, 2, 1),
					statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("incomplete_store_ids"), stringList(accStoreDashCart, accStoreJWO))),
			},
		},
	})
}

// Stores an admin adds while the portal runs are listed and counted on the
// next read.
func TestAccDataSourceCompletionStatus_countsAddedStores(t *testing.T) {
	tp := newTestPortal(t)
	config := tp.providerConfig(tp.ViewerToken) + `
data "jwo_stores" "all" {}
data "jwo_completion_status" "all" {}
`
	var added []string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: append(completionTotals("all", 3, 0, 2, 1),
					statecheck.ExpectKnownValue("data.jwo_stores.all", tfjsonpath.New("stores"), knownvalue.ListSizeExact(3))),
			},
			{
				// each added store needs IDENTITY, so it is INCOMPLETE
				PreConfig: func() { added = tp.addStores(t, "acme-new", 2) },
				Config:    config,
				ConfigStateChecks: append(completionTotals("all", 5, 0, 4, 1),
					statecheck.ExpectKnownValue("data.jwo_stores.all", tfjsonpath.New("stores"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue("data.jwo_completion_status.all", tfjsonpath.New("incomplete_store_ids"),
						knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact(accStoreDashCart),
							knownvalue.StringFunc(func(v string) error { return sameString("incomplete_store_ids[1]", v, added[0]) }),
							knownvalue.StringFunc(func(v string) error { return sameString("incomplete_store_ids[2]", v, added[1]) }),
							knownvalue.StringExact(accStoreJWO),
						}))),
			},
		},
	})
}

func TestAccDataSourceCompletionStatus_unknownStore(t *testing.T) {
	tp := newTestPortal(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      tp.providerConfig(tp.ViewerToken) + `data "jwo_completion_status" "x" { store_id = "acme-nowhere" }`,
			ExpectError: errorRegexp(`store "acme-nowhere" not found`),
		}},
	})
}

func TestNewStoreCompletionData(t *testing.T) {
	all := []jwo.Method{jwo.MethodIdentity, jwo.MethodLoyalty, jwo.MethodOrdering}
	got := newStoreCompletionData("s", jwo.CompletionIncomplete, all, []jwo.Method{jwo.MethodLoyalty})
	if want := []string{"IDENTITY", "ORDERING"}; !slices.Equal(got.ConfiguredMethods, want) {
		t.Errorf("configured = %v, want %v", got.ConfiguredMethods, want)
	}
	got = newStoreCompletionData("s", jwo.CompletionNotRequired, nil, nil)
	if got.RequiredMethods == nil || got.ConfiguredMethods == nil || got.MissingMethods == nil {
		t.Errorf("lists of a NOT_REQUIRED store must be empty, not null: %+v", got)
	}
}

// oddGenerated are the ids of the generated stores that need IDENTITY.
func oddGenerated(n int) []string {
	var ids []string
	for i := 1; i <= n; i += 2 {
		ids = append(ids, generatedStoreIDs(i, i)...)
	}
	return ids
}
