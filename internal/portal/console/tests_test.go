package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// waitDetails reloads View Details until the last run has finished.
func waitDetails(t *testing.T, a *agent, path string) page {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := a.get(path)
		if !p.has(`data-running="true"`) && p.has(`id="last-status"`) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run did not finish:\n%s", p.body)
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
	a.signIn(tp.OperatorToken)
	// With the pencil open on another URL, the test still runs against the
	// saved one, and the page says so.
	form := a.get(storePath + "?edit=loyalty")
	if !form.has(`id="loyalty-test-note">Runs against the saved endpoint, ` + conn.URL + `, not the one in the form above`) {
		t.Fatalf("no note on the saved endpoint:\n%s", form.body)
	}
	p := a.post(storePath+"/connectors/loyalty/tests", url.Values{})
	if p.status != http.StatusOK || !strings.Contains(p.url, "/connectors/loyalty?started=") {
		t.Fatalf("run test: status %d at %s\n%s", p.status, p.url, p.body)
	}
	d := waitDetails(t, a, storePath+"/connectors/loyalty")
	for _, want := range []string{`id="last-status">Successful`, `id="last-http">200`, `id="details-status">Successful`,
		`id="last-by">` + portaltest.TokenName(portaltest.Merchant, jwo.RoleOperator), conn.URL, `id="history"`} {
		if !d.has(want) {
			t.Errorf("details lack %s", want)
		}
	}
}

func TestRunTestAgainstADeadPortIsUnsuccessful(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodIdentity, portaltest.ClosedURL(t))
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	a.get(storePath)
	a.post(storePath+"/connectors/identity/tests", url.Values{})
	d := waitDetails(t, a, storePath+"/connectors/identity")
	if !d.has(`id="last-status">Unsuccessful`) || !d.has(`id="last-reason">connect`) {
		t.Fatalf("details:\n%s", d.body)
	}
}

func TestOrderingTestNeedsASKUOfTheCatalog(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	conn := portaltest.StartConnector(t)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, conn.URL)
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	page := a.get(storePath)
	if !page.has(`<option value="` + portaltest.SKU + `"`) {
		t.Fatalf("the SKU list does not offer the catalog's item:\n%s", page.body)
	}
	for _, sku := range []string{"", "NOT-IN-CATALOG"} {
		p := a.post(storePath+"/connectors/ordering/tests", url.Values{"sku": {sku}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="ordering-sku-error"`) {
			t.Errorf("sku %q: status %d", sku, p.status)
		}
	}
	tests, err := tp.Viewer.ListTests(context.Background(), portaltest.StoreJWO, jwo.MethodOrdering, 10)
	if err != nil || len(tests) != 0 {
		t.Fatalf("a refused Ordering test started runs: %v %v", tests, err)
	}
	p := a.post(storePath+"/connectors/ordering/tests", url.Values{"sku": {portaltest.SKU}})
	if !strings.Contains(p.url, "started=") {
		t.Fatalf("with the catalog's SKU: %d at %s", p.status, p.url)
	}
	if d := waitDetails(t, a, storePath+"/connectors/ordering"); !d.has(`id="last-status">Successful`) {
		t.Fatalf("ordering details:\n%s", d.body)
	}
}

func TestManagedByTerraformWarnsOfDrift(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	tf := tp.Client(tp.OperatorToken, func(c *client.Config) { c.UserAgent = "terraform-provider-jwo/0.1.0 terraform/1.11.4" })
	putConnector(t, tf, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, publicURL)
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	p := a.get(storePath + "?edit=ordering")
	if !p.has(`id="ordering-terraform">Managed by Terraform`) || !p.has("An edit here will appear as drift in the next <code>terraform plan</code>") {
		t.Fatalf("no Managed by Terraform on a provider-written connector:\n%s", p.body)
	}
	if p.has(`id="loyalty-terraform"`) {
		t.Error("a connector written by plain API calls is shown as managed by Terraform")
	}
	a.post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if p := a.get(storePath); !p.has(`id="ordering-drift">`) || !p.has("changed outside Terraform since") {
		t.Fatalf("after a console edit, no drift warning:\n%s", p.body)
	}
}
