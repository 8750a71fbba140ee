package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// adoptionStores are three stores that need all four methods: 12 connectors.
const adoptionStores = 3

// seedHandMadeConnectors saves, through the API as a person in the portal
// would, every method of n four-method stores "acme-adopt-01"..., each with
// its own endpoint URL. It returns their ids, STORE_ID/METHOD, in list order.
func (tp *testPortal) seedHandMadeConnectors(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for i := 1; i <= n; i++ {
		storeID := fmt.Sprintf("acme-adopt-%02d", i)
		for _, m := range jwo.Methods {
			in := jwo.ConnectorInput{
				EndpointURL:  fmt.Sprintf("https://connectors.example.com/adopt-%02d/%s", i, m.PathSegment()),
				EndpointType: jwo.EndpointPublic,
			}
			if _, _, err := tp.Operator.PutConnector(t.Context(), storeID, m, in, client.Precondition{IfNoneMatch: true}); err != nil {
				t.Fatalf("save %s/%s: %v", storeID, m, err)
			}
			ids = append(ids, connectorID(storeID, m))
		}
	}
	slices.Sort(ids)
	return ids
}

// expectImports is a plan check: exactly these resources are imported, and
// nothing is created, changed or destroyed.
type expectImports []string

func (want expectImports) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var imported []string
	for _, rc := range req.Plan.ResourceChanges {
		if !rc.Change.Actions.NoOp() {
			resp.Error = fmt.Errorf("%s is planned to %v; an adoption must only import", rc.Address, rc.Change.Actions)
			return
		}
		if rc.Change.Importing != nil {
			imported = append(imported, rc.Change.Importing.ID)
		}
	}
	slices.Sort(imported)
	if !slices.Equal(imported, want) {
		resp.Error = fmt.Errorf("imports %v, want %v", imported, []string(want))
	}
}

// TestAccDataSourceStoreConnectors_bulkAdoption runs the guide's recipe on 12
// connectors made by hand: the first plan only imports them, the apply
// changes nothing in the portal, and the next plan is empty.
func TestAccDataSourceStoreConnectors_bulkAdoption(t *testing.T) {
	tp := newTestPortal(t, withStoresNeedingEveryMethod("acme-adopt", adoptionStores))
	ids := tp.seedHandMadeConnectors(t, adoptionStores)
	recipe, err := os.ReadFile("../../examples/guides/bulk-adoption/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := tp.providerConfig(tp.OperatorToken) + string(recipe)
	auditBefore := tp.auditEventCount(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectImports(ids)}},
				ConfigStateChecks: adoptedChecks(),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				PostApplyFunc: func() {
					if after := tp.auditEventCount(t); after != auditBefore {
						t.Errorf("adopting wrote to the portal: %d audit events before, %d after", auditBefore, after)
					}
				},
			},
			// terraform-plugin-testing's legacy state shim, which reads the
			// state before the final destroy, cannot hold for_each
			// instances: the last step leaves none.
			{
				Config: tp.providerConfig(tp.OperatorToken),
			},
		},
	})
}

// adoptedChecks: one adopted connector is in state exactly as it was saved.
func adoptedChecks() []statecheck.StateCheck {
	addr := `jwo_store_connector.adopted["acme-adopt-02/LOYALTY"]`
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact("https://connectors.example.com/adopt-02/loyalty")),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
		statecheck.ExpectKnownValue("data.jwo_store_connectors.existing", tfjsonpath.New("connectors"), knownvalue.ListSizeExact(4*adoptionStores)),
	}
}

func (tp *testPortal) auditEventCount(t *testing.T) int {
	t.Helper()
	events, err := tp.Admin.AllAuditEvents(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

// TestAccDataSourceStoreConnectors_filters: each filter narrows the list, the
// element carries every Connector field, and another merchant's store id
// lists nothing instead of failing.
func TestAccDataSourceStoreConnectors_filters(t *testing.T) {
	tp := newTestPortal(t)
	ctx := t.Context()
	for _, m := range []jwo.Method{jwo.MethodIdentity, jwo.MethodOrdering} {
		if _, _, err := tp.Operator.PutConnector(ctx, accStoreJWO, m, jwo.ConnectorInput{EndpointURL: urlPublicA, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := tp.Operator.PutConnector(ctx, accStoreDashCart, jwo.MethodOrdering, jwo.ConnectorInput{EndpointURL: urlPrivate, EndpointType: jwo.EndpointPrivate}, client.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tp.OtherAdmin.PutConnector(ctx, accStoreOther, jwo.MethodOrdering, jwo.ConnectorInput{EndpointURL: urlOutOfBand, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
		t.Fatal(err)
	}
	ids := func(name string, want ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(want))
		for i, id := range want {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
		}
		return statecheck.ExpectKnownValue("data.jwo_store_connectors."+name, tfjsonpath.New("connectors"), knownvalue.ListExact(checks))
	}
	listingID := func(name, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.jwo_store_connectors."+name, tfjsonpath.New("id"), knownvalue.StringExact(want))
	}
	cart, seaID, seaOrd := accStoreDashCart+"/ORDERING", accStoreJWO+"/IDENTITY", accStoreJWO+"/ORDERING"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tp.providerConfig(tp.ViewerToken) + `
data "jwo_store_connectors" "all" {}
data "jwo_store_connectors" "ordering" {
  method = "ORDERING"
}
data "jwo_store_connectors" "dash_cart" {
  store_type = "DASH_CART"
}
data "jwo_store_connectors" "one_store" {
  store_id = "` + accStoreJWO + `"
}
data "jwo_store_connectors" "untested_jwo_ordering" {
  store_id            = "` + accStoreJWO + `"
  method              = "ORDERING"
  store_type          = "JWO"
  connectivity_status = "UNTESTED"
}
data "jwo_store_connectors" "successful" {
  connectivity_status = "SUCCESSFUL"
}
data "jwo_store_connectors" "foreign_store" {
  store_id = "` + accStoreOther + `"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				ids("all", cart, seaID, seaOrd),
				listingID("all", "all"),
				ids("ordering", cart, seaOrd),
				ids("dash_cart", cart),
				ids("one_store", seaID, seaOrd),
				ids("untested_jwo_ordering", seaOrd),
				listingID("untested_jwo_ordering", "store_id="+accStoreJWO+"&method=ORDERING&store_type=JWO&connectivity_status=UNTESTED"),
				ids("successful"),
				ids("foreign_store"),
				statecheck.ExpectKnownValue("data.jwo_store_connectors.all", tfjsonpath.New("connectors").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":                  knownvalue.StringExact(cart),
					"store_id":            knownvalue.StringExact(accStoreDashCart),
					"method":              knownvalue.StringExact("ORDERING"),
					"endpoint_url":        knownvalue.StringExact(urlPrivate),
					"endpoint_type":       knownvalue.StringExact("PRIVATE"),
					"connectivity_status": knownvalue.StringExact("UNTESTED"),
					"last_test_id":        knownvalue.Null(),
					"version":             knownvalue.Int64Exact(1),
					"created_at":          knownvalue.StringRegexp(timestampPattern),
					"updated_at":          knownvalue.StringRegexp(timestampPattern),
					"updated_by":          knownvalue.StringExact(portaltest.TokenName(accMerchant, jwo.RoleOperator)),
					"last_changed_via":    knownvalue.StringExact("API"),
				})),
			},
		}},
	})
}

// TestAccDataSourceStoreConnectors_badFilter: an unknown filter value fails
// at plan time, naming the attribute and the values it takes.
func TestAccDataSourceStoreConnectors_badFilter(t *testing.T) {
	tp := newTestPortal(t)
	for _, tc := range []struct{ attr, value, want string }{
		{"connectivity_status", "GREEN", `Attribute connectivity_status value must be one of`},
		{"method", "TELEPORT", `Attribute method value must be one of`},
		{"store_type", "KIOSK", `Attribute store_type value must be one of`},
		{"store_id", "acme sea", `store id "acme sea" is invalid`},
		{"last_changed_via", "CLICKOPS", `Attribute last_changed_via value must be one of`},
	} {
		t.Run(tc.attr, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tp.providerConfig(tp.ViewerToken) + fmt.Sprintf("data \"jwo_store_connectors\" \"x\" {\n  %s = %q\n}\n", tc.attr, tc.value),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want)),
				}},
			})
		})
	}
}
