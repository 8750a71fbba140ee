package provider

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// consoleSave saves an endpoint of an existing connector through the web
// console's form, as a person signed in with token would.
func (tp *testPortal) consoleSave(t *testing.T, token, storeID, method, endpointURL, version string) {
	t.Helper()
	a := tp.ConsoleAgent(t)
	a.SignIn(token)
	p := a.Post("/console/stores/"+storeID+"/connectors/"+method,
		url.Values{"endpoint_url": {endpointURL}, "endpoint_type": {"PUBLIC"}, "version": {version}})
	if p.Status != http.StatusOK || !p.Has("connector saved") {
		t.Fatalf("console save of %s/%s: status %d\n%s", storeID, method, p.Status, p.Body)
	}
}

// saveFromEverySource leaves one connector last changed through each front
// end: accStoreJWO/IDENTITY through the API (a plain client),
// accStoreDashCart/ORDERING through the console (saved through the API
// first, then edited in the console). It returns their ids.
func saveFromEverySource(t *testing.T, tp *testPortal) (viaAPI, viaConsole string) {
	t.Helper()
	for _, k := range []struct {
		store string
		m     jwo.Method
	}{{accStoreJWO, jwo.MethodIdentity}, {accStoreDashCart, jwo.MethodOrdering}} {
		in := jwo.ConnectorInput{EndpointURL: urlPublicA, EndpointType: jwo.EndpointPublic}
		if _, _, err := tp.Operator.PutConnector(t.Context(), k.store, k.m, in, client.Precondition{IfNoneMatch: true}); err != nil {
			t.Fatal(err)
		}
	}
	tp.consoleSave(t, tp.OperatorToken, accStoreDashCart, "ordering", urlOutOfBand, "1")
	return connectorID(accStoreJWO, jwo.MethodIdentity), connectorID(accStoreDashCart, jwo.MethodOrdering)
}

// TestAccLastChangedVia: a connector Terraform wrote reads TERRAFORM on the
// resource; the data sources show where every connector was last changed
// from, and the last_changed_via filter of jwo_store_connectors finds the
// connector changed through the API and the one changed in the console,
// and with TERRAFORM only the one in code.
func TestAccLastChangedVia(t *testing.T) {
	tp := newTestPortal(t, portaltest.WithConsole(console.Options{}))
	viaAPI, viaConsole := saveFromEverySource(t, tp)
	viaTerraform := connectorID(accStoreJWO, jwo.MethodOrdering)
	config := tp.providerConfig(tp.OperatorToken) + connectorHCL("ordering", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC") + `
data "jwo_store_connectors" "terraform" {
  last_changed_via = "TERRAFORM"
}
data "jwo_store_connectors" "console" {
  last_changed_via = "CONSOLE"
}
data "jwo_store_connectors" "api" {
  last_changed_via = "API"
}
data "jwo_store_connectors" "all" {}
data "jwo_store_connector" "cart" {
  store_id = "` + accStoreDashCart + `"
  method   = "ORDERING"
}
data "jwo_store" "sea" {
  id = "` + accStoreJWO + `"
}
output "not_in_code" {
  value = sort([for c in data.jwo_store_connectors.all.connectors : c.id if c.last_changed_via != "TERRAFORM"])
}
`
	ids := func(name string, want ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(want))
		for i, id := range want {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
		}
		return statecheck.ExpectKnownValue("data.jwo_store_connectors."+name, tfjsonpath.New("connectors"), knownvalue.ListExact(checks))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("jwo_store_connector.ordering", tfjsonpath.New("last_changed_via"), knownvalue.StringExact("TERRAFORM")),
				},
			},
			{
				// The data sources were read before the create; now the
				// Terraform-written connector is listed too.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					ids("terraform", viaTerraform),
					ids("console", viaConsole),
					ids("api", viaAPI),
					statecheck.ExpectKnownValue("data.jwo_store_connectors.terraform", tfjsonpath.New("id"), knownvalue.StringExact("last_changed_via=TERRAFORM")),
					statecheck.ExpectKnownValue("data.jwo_store_connector.cart", tfjsonpath.New("last_changed_via"), knownvalue.StringExact("CONSOLE")),
					statecheck.ExpectKnownValue("data.jwo_store.sea", tfjsonpath.New("connectors"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"method": knownvalue.StringExact("IDENTITY"), "last_changed_via": knownvalue.StringExact("API")}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"method": knownvalue.StringExact("ORDERING"), "last_changed_via": knownvalue.StringExact("TERRAFORM")}),
					})),
					statecheck.ExpectKnownOutputValue("not_in_code", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(viaConsole), knownvalue.StringExact(viaAPI),
					})),
				},
			},
		},
	})
}

// TestAccLastChangedVia_queryGeneratesWhatIsNotInCode runs the bulk-adoption
// guide's query on Terraform 1.14+: beside a connector Terraform wrote, it
// generates an import and a resource block for exactly the connectors last
// changed through the console or the API, and the generated file plans as
// those imports alone.
func TestAccLastChangedVia_queryGeneratesWhatIsNotInCode(t *testing.T) {
	tp, plugins := newCLITest114(t, portaltest.WithConsole(console.Options{}))
	viaAPI, viaConsole := saveFromEverySource(t, tp)
	query, err := os.ReadFile("../../examples/guides/bulk-adoption/not-in-code.tfquery.hcl")
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t, plugins, cliProviderBlock(tp, tp.OperatorToken)+
		connectorHCL("in_code", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC"))
	w.mustRun(0, "apply", "-auto-approve", "-no-color")
	w.writeFile("not-in-code.tfquery.hcl", string(query))
	w.mustRun(0, "query", "-no-color", "-generate-config-out=adopted.tf")
	generated := w.readFile("adopted.tf")
	// Terraform writes each import by the connector's identity.
	imports := regexp.MustCompile(`identity = \{\s*method\s*=\s*"(\w+)"\s*store_id\s*=\s*"([^"]+)"`).FindAllStringSubmatch(generated, -1)
	var got []string
	for _, m := range imports {
		got = append(got, m[2]+"/"+m[1])
	}
	slices.Sort(got)
	if want := []string{viaConsole, viaAPI}; !slices.Equal(got, want) || strings.Count(generated, "\nimport {") != 2 {
		t.Errorf("adopted.tf imports %v, want exactly %s and %s:\n%s", got, viaConsole, viaAPI, generated)
	}
	out := w.mustRun(0, "plan", "-no-color")
	if !strings.Contains(out, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Errorf("plan of the generated configuration: want 2 to import and nothing else\n%s", out)
	}
}
