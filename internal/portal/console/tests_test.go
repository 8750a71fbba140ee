package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// waitDetails reloads View Details until the last run has finished.
func waitDetails(t *testing.T, a *portaltest.ConsoleAgent, path string) portaltest.ConsolePage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := a.Get(path)
		if !p.Has(`data-running="true"`) && p.Has(`id="last-status"`) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run did not finish:\n%s", p.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRunTestAgainstTheSavedEndpointThenViewDetails(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	conn := portaltest.StartConnector(t)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, conn.URL)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	// With the pencil open on another URL, the test still runs against the
	// saved one, and the page says so.
	form := a.Get(storePath + "?edit=loyalty")
	if !form.Has(`id="loyalty-test-note">Runs against the saved endpoint, ` + conn.URL + `, not the one in the form below`) {
		t.Fatalf("no note on the saved endpoint:\n%s", form.Body)
	}
	p := a.Post(storePath+"/connectors/loyalty/tests", url.Values{})
	if p.Status != http.StatusOK || !strings.Contains(p.URL, "/connectors/loyalty?started=") {
		t.Fatalf("run test: status %d at %s\n%s", p.Status, p.URL, p.Body)
	}
	d := waitDetails(t, a, storePath+"/connectors/loyalty")
	for _, want := range []string{`id="last-status">Successful`, `id="last-http">200`, `id="details-status">Successful`,
		`id="last-by">` + portaltest.TokenName(portaltest.Merchant, jwo.RoleOperator), conn.URL, `id="history"`} {
		if !d.Has(want) {
			t.Errorf("details lack %s", want)
		}
	}
}

func TestRunTestAgainstADeadPortIsUnsuccessful(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodIdentity, portaltest.ClosedURL(t))
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	a.Get(storePath)
	a.Post(storePath+"/connectors/identity/tests", url.Values{})
	d := waitDetails(t, a, storePath+"/connectors/identity")
	if !d.Has(`id="last-status">Unsuccessful`) || !d.Has(`id="last-reason">Could not connect`) || d.Has(`>connect<`) {
		t.Fatalf("details:\n%s", d.Body)
	}
}

func TestOrderingTestNeedsASKUOfTheCatalog(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	conn := portaltest.StartConnector(t)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, conn.URL)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	page := a.Get(storePath)
	if !page.Has(`<option value="` + portaltest.SKU + `"`) {
		t.Fatalf("the SKU list does not offer the catalog's item:\n%s", page.Body)
	}
	for _, sku := range []string{"", "NOT-IN-CATALOG"} {
		p := a.Post(storePath+"/connectors/ordering/tests", url.Values{"sku": {sku}})
		if p.Status != http.StatusUnprocessableEntity || !p.Has(`id="ordering-sku-error"`) {
			t.Errorf("sku %q: status %d", sku, p.Status)
		}
	}
	tests, err := tp.Viewer.ListTests(context.Background(), portaltest.StoreJWO, jwo.MethodOrdering, 10)
	if err != nil || len(tests) != 0 {
		t.Fatalf("a refused Ordering test started runs: %v %v", tests, err)
	}
	p := a.Post(storePath+"/connectors/ordering/tests", url.Values{"sku": {portaltest.SKU}})
	if !strings.Contains(p.URL, "started=") {
		t.Fatalf("with the catalog's SKU: %d at %s", p.Status, p.URL)
	}
	if d := waitDetails(t, a, storePath+"/connectors/ordering"); !d.Has(`id="last-status">Successful`) {
		t.Fatalf("ordering details:\n%s", d.Body)
	}
}

func TestManagedByTerraformWarnsOfDrift(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	tf := tp.Client(tp.OperatorToken, func(c *client.Config) { c.UserAgent = "terraform-provider-jwo/0.1.0 terraform/1.11.4" })
	putConnector(t, tf, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, publicURL)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	p := a.Get(storePath + "?edit=ordering")
	if !p.Has(`id="ordering-terraform">Managed by Terraform`) || !p.Has("An edit here will appear as drift in the next <code>terraform plan</code>") ||
		strings.Count(p.Body, "will appear as drift") != 1 {
		t.Fatalf("no Managed by Terraform on a provider-written connector:\n%s", p.Body)
	}
	if p.Has(`id="loyalty-terraform"`) {
		t.Error("a connector written by plain API calls is shown as managed by Terraform")
	}
	a.Post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if p := a.Get(storePath); !p.Has(`<span id="drift">Ordering changed outside Terraform since`) {
		t.Fatalf("after a console edit, no drift warning:\n%s", p.Body)
	}
}

// A catalog longer than the choice list is tested by typing the SKU: the
// first items are suggested, and an item beyond them starts a run too.
func TestOrderingTestReachesEveryItemOfALargeCatalog(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	conn := portaltest.StartConnector(t)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, conn.URL)
	ctx := context.Background()
	for i := range 120 {
		body := fmt.Sprintf("%011d", 40000000000+i)
		_, err := tp.Admin.PutCatalogItem(ctx, portaltest.StoreJWO, fmt.Sprintf("ITEM-%03d", i), jwo.CatalogItemInput{
			Barcode: body + string(jwo.GTINCheckDigit(body)), BarcodeType: jwo.BarcodeUPC, Name: fmt.Sprintf("Item %d", i),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	page := a.Get(storePath)
	if !page.Has(`<input type="text" id="ordering-sku" name="sku"`) || !page.Has(`list="ordering-skus"`) ||
		!page.Has(`<option value="ITEM-000">`) {
		t.Fatalf("a catalog of 121 items is not offered as a typed SKU with suggestions:\n%s", page.Body)
	}
	const last = "ITEM-119" // sorts after the first 100 SKUs
	if page.Has(`<option value="` + last + `"`) {
		t.Fatalf("%s is among the suggestions; the test needs an item beyond them", last)
	}
	p := a.Post(storePath+"/connectors/ordering/tests", url.Values{"sku": {"NOT-IN-CATALOG"}})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`value="NOT-IN-CATALOG"`) || !p.Has(`id="ordering-sku-error"`) {
		t.Fatalf("a typed SKU outside the catalog: status %d\n%s", p.Status, p.Body)
	}
	p = a.Post(storePath+"/connectors/ordering/tests", url.Values{"sku": {last}})
	if !strings.Contains(p.URL, "started=") {
		t.Fatalf("with %s: %d at %s", last, p.Status, p.URL)
	}
	tests, err := tp.Viewer.ListTests(ctx, portaltest.StoreJWO, jwo.MethodOrdering, 1)
	if err != nil || len(tests) != 1 || tests[0].SKU != last {
		t.Fatalf("runs %+v, %v; want one run with SKU %s", tests, err, last)
	}
}

// Run Test on View Details offers the conformance suite and says what it
// sends before it starts; the run's cases are a table, failed ones first.
func TestConformanceSuiteFromViewDetails(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	conn := portaltest.StartConnector(t, connector.Options{Violate: []string{"loyalty.unknown_fields_ignored"}})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, conn.URL)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	const path = storePath + "/connectors/loyalty"
	before := a.Get(path)
	for _, want := range []string{`id="suite-conformance" name="suite" value="CONFORMANCE"`, "3 requests, one per documented case",
		"<li>A loyalty scan is resolved</li>", "Scan details are answered for the resolved scan (not required)",
		`id="details-edit" href="/console/stores/` + portaltest.StoreJWO + `?edit=loyalty#loyalty-form">Edit</a>`} {
		if !before.Has(want) {
			t.Errorf("View Details lacks %s", want)
		}
	}
	if before.Has("<dt>Version</dt>") {
		t.Error("View Details shows the internal version")
	}
	p := a.Post(path+"/tests", url.Values{"suite": {"CONFORMANCE"}})
	if !strings.Contains(p.URL, "started=") {
		t.Fatalf("conformance: %d at %s\n%s", p.Status, p.URL, p.Body)
	}
	d := waitDetails(t, a, path)
	if !d.Has(`id="last-status">Unsuccessful`) || !d.Has(`id="last-suite">Conformance`) || !d.Has(`id="last-reason">A required conformance case did not pass`) {
		t.Fatalf("details after the suite:\n%s", d.Body)
	}
	failed := strings.Index(d.Body, `data-case="loyalty.unknown_fields_ignored"`)
	passed := strings.Index(d.Body, `data-case="loyalty.scan"`)
	if failed < 0 || passed < 0 || failed > passed || !d.Has(`<span class="case FAILED">Failed</span>`) {
		t.Fatalf("the cases are not a table with the failed one first:\n%s", d.Body)
	}
	v := newAgent(t, tp)
	v.SignIn(tp.ViewerToken)
	if p := v.Get(path); p.Has(`id="details-run-test"`) || p.Has(`id="details-edit"`) || !p.Has(`data-case="loyalty.scan"`) {
		t.Error("a viewer is offered Run Test or Edit, or does not see the cases")
	}
}
