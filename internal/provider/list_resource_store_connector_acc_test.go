package provider

// The list resource on a real Terraform 1.14+: `terraform query` through
// plugin-testing's query mode, and -generate-config-out through the binary
// itself (plugin-testing has no step for it). The protocol-level tests in
// list_resource_store_connector_test.go cover what a binary cannot reach
// (streaming of many pages, a bad filter's diagnostics).

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// saveListFixture saves, through the API, acme's connectors of every method
// of accStoreJWO but FRAUD_AND_ABUSE, and the ORDERING connector of the Dash
// Cart store, plus one connector of the other merchant that acme's tokens
// must never list. The LOYALTY connector points at a live sample connector
// and has a SUCCESSFUL run, so that connectivity_status filters something.
func saveListFixture(t *testing.T, tp *testPortal) {
	t.Helper()
	ctx := context.Background()
	c := newTestConnector(t)
	put := func(cl *client.Client, store string, m jwo.Method, url string) {
		t.Helper()
		if _, _, err := cl.PutConnector(ctx, store, m, jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	put(tp.Operator, accStoreJWO, jwo.MethodIdentity, urlPublicA)
	put(tp.Operator, accStoreJWO, jwo.MethodLoyalty, c.URL)
	put(tp.Operator, accStoreJWO, jwo.MethodOrdering, urlPublicA)
	put(tp.Operator, accStoreDashCart, jwo.MethodOrdering, urlPublicA)
	put(tp.OtherAdmin, accStoreOther, jwo.MethodOrdering, urlPublicA)
	run, err := tp.Operator.StartTest(ctx, accStoreJWO, jwo.MethodLoyalty, "", "list-fixture")
	if err == nil {
		run, err = tp.Operator.WaitTest(ctx, run.ID)
	}
	if err != nil || run.Status != jwo.TestSuccessful {
		t.Fatalf("LOYALTY run of the fixture: %+v, %v; want SUCCESSFUL", run, err)
	}
}

// TestAccListStoreConnector_query: terraform query lists the merchant's
// connectors, the one Terraform created beside the ones saved through the
// API, each with its identity and display name; every filter narrows the
// list; include_resource returns the resource as a refresh records it; the
// other merchant's connector is never listed, even when asked for by store.
func TestAccListStoreConnector_query(t *testing.T) {
	tp := newTestPortal(t)
	saveListFixture(t, tp)
	identity := func(store, method string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"store_id": knownvalue.StringExact(store), "method": knownvalue.StringExact(method)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{
				// Query mode needs a configuration with the provider block:
				// it also creates the fifth connector of acme.
				Config: tp.providerConfig(tp.OperatorToken) + connectorHCL("fraud", accStoreJWO, "FRAUD_AND_ABUSE", urlPublicBPlain, "PUBLIC"),
			},
			{
				Query: true,
				Config: `
list "jwo_store_connector" "all" {
  provider = jwo
}

list "jwo_store_connector" "ordering" {
  provider = jwo
  config {
    method = "ORDERING"
  }
}

list "jwo_store_connector" "dash_cart" {
  provider         = jwo
  include_resource = true
  config {
    store_type = "DASH_CART"
  }
}

list "jwo_store_connector" "tested" {
  provider = jwo
  config {
    store_id            = "` + accStoreJWO + `"
    connectivity_status = "SUCCESSFUL"
  }
}

list "jwo_store_connector" "other_merchant" {
  provider = jwo
  config {
    store_id = "` + accStoreOther + `"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("jwo_store_connector.all", 5),
					querycheck.ExpectIdentity("jwo_store_connector.all", identity(accStoreJWO, "FRAUD_AND_ABUSE")),
					querycheck.ExpectIdentity("jwo_store_connector.all", identity(accStoreDashCart, "ORDERING")),
					querycheck.ExpectNoIdentity("jwo_store_connector.all", identity(accStoreOther, "ORDERING")),
					querycheck.ExpectResourceDisplayName("jwo_store_connector.all",
						queryfilter.ByResourceIdentity(identity(accStoreJWO, "IDENTITY")), knownvalue.StringExact(accStoreJWO+"/IDENTITY")),

					querycheck.ExpectLength("jwo_store_connector.ordering", 2),
					querycheck.ExpectIdentity("jwo_store_connector.ordering", identity(accStoreJWO, "ORDERING")),
					querycheck.ExpectIdentity("jwo_store_connector.ordering", identity(accStoreDashCart, "ORDERING")),

					querycheck.ExpectLength("jwo_store_connector.dash_cart", 1),
					querycheck.ExpectResourceKnownValues("jwo_store_connector.dash_cart",
						queryfilter.ByResourceIdentity(identity(accStoreDashCart, "ORDERING")), []querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(accStoreDashCart + "/ORDERING")},
							{Path: tfjsonpath.New("endpoint_url"), KnownValue: knownvalue.StringExact(urlPublicA)},
							{Path: tfjsonpath.New("endpoint_type"), KnownValue: knownvalue.StringExact("PUBLIC")},
							{Path: tfjsonpath.New("connectivity_status"), KnownValue: knownvalue.StringExact("UNTESTED")},
						}),

					querycheck.ExpectLength("jwo_store_connector.tested", 1),
					querycheck.ExpectIdentity("jwo_store_connector.tested", identity(accStoreJWO, "LOYALTY")),

					querycheck.ExpectLength("jwo_store_connector.other_merchant", 0),
				},
			},
		},
	})
}

// TestAccListStoreConnector_generateConfig: what the list resource's page
// promises a new user, on the terraform binary itself. terraform query
// -generate-config-out writes an import and a resource block per connector
// of the merchant (none of the other merchant's), and the plan of that file
// imports every one and changes nothing.
func TestAccListStoreConnector_generateConfig(t *testing.T) {
	tp, plugins := newCLITest114(t)
	saveListFixture(t, tp)
	w := newCLIWorkspace(t, plugins, cliProviderBlock(tp, tp.ViewerToken))
	w.writeFile("adopt.tfquery.hcl", `
list "jwo_store_connector" "all" {
  provider         = jwo
  include_resource = true
}
`)
	w.mustRun(0, "query", "-no-color", "-generate-config-out=generated.tf")
	generated := w.readFile("generated.tf")
	if n := len(regexp.MustCompile(`(?m)^import \{`).FindAllString(generated, -1)); n != 4 {
		t.Errorf("generated.tf has %d import blocks, want 4 (one per connector of %s):\n%s", n, accMerchant, generated)
	}
	if n := len(regexp.MustCompile(`(?m)^resource "jwo_store_connector" `).FindAllString(generated, -1)); n != 4 {
		t.Errorf("generated.tf has %d resource blocks, want 4:\n%s", n, generated)
	}
	if strings.Contains(generated, accStoreOther) {
		t.Errorf("generated.tf names the other merchant's store %s:\n%s", accStoreOther, generated)
	}
	out := w.mustRun(0, "plan", "-no-color")
	if !strings.Contains(out, "Plan: 4 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Errorf("plan of the generated configuration: want 4 to import and nothing else\n%s", out)
	}
}
