package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

func TestStoreListShowsTheThreeCompletionStatusesAndFilters(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreDashCart, jwo.MethodOrdering, publicURL)
	a := newAgent(t, tp)
	p := a.SignIn(tp.ViewerToken)
	for _, want := range []string{
		`data-store="` + portaltest.StoreDashCart + `"`, `class="completion COMPLETE">Complete`,
		`class="completion INCOMPLETE">Incomplete`, `class="completion NOT_REQUIRED">Not Required`,
		"This does not mean all the connectors are working properly",
		"Identity, Loyalty, Ordering, Fraud and Abuse", "Dash Cart",
	} {
		if !p.Has(want) {
			t.Errorf("store list lacks %s", want)
		}
	}
	if p.Has(portaltest.StoreOther) {
		t.Error("the list shows another merchant's store")
	}
	f := a.Get("/console/?completion_status=COMPLETE")
	if !f.Has(`data-store="`+portaltest.StoreDashCart+`"`) || f.Has(`data-store="`+portaltest.StoreJWO+`"`) || !f.Has(`value="COMPLETE" selected`) {
		t.Errorf("completion filter:\n%s", f.Body)
	}
	f = a.Get("/console/?store_type=DASH_CART")
	if !f.Has(`data-store="`+portaltest.StoreDashCart+`"`) || f.Has(`data-store="`+portaltest.StoreNotRequired+`"`) {
		t.Errorf("store type filter:\n%s", f.Body)
	}
	if f := a.Get("/console/?store_type=BOGUS"); f.Status != http.StatusOK || !f.Has("Choose a store type") {
		t.Errorf("bad filter: status %d", f.Status)
	}
}

func TestStoreListPages(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	tp.AddStores("zz", 60)
	a := newAgent(t, tp)
	p := a.SignIn(tp.ViewerToken)
	first := strings.Count(p.Body, "<tr data-store=")
	i := strings.Index(p.Body, `id="next-page"`)
	if first != 50 || i < 0 {
		t.Fatalf("first page: %d stores, next link %v", first, i >= 0)
	}
	href := p.Body[strings.LastIndex(p.Body[:i], `href="`)+6:]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	second := a.Get(href)
	n := strings.Count(second.Body, "<tr data-store=")
	if n != 63-50 || second.Has(`id="next-page"`) || !second.Has(`id="first-page"`) || !second.Has("zz-0060") {
		t.Fatalf("second page: %d stores\n%s", n, second.Body)
	}
}

// The store page explains its columns and statuses in the seed pages' words.
func TestStorePageExplainsItsColumnsInTheSeedsWords(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.SignIn(tp.ViewerToken)
	p := a.Get("/console/stores/" + portaltest.StoreJWO)
	for _, want := range []string{
		"Untested</dt><dd>The endpoint is saved recently and testing is not completed",
		"Note that a valid response is not always a successful response.",
		"Only Private AWS API Gateways need to be set as Private.",
		"Configuring Store Connectors", "Connectivity Testing", "the connectivity test or the conformance suite",
	} {
		if !p.Has(want) {
			t.Errorf("the store page lacks %q", want)
		}
	}
	// Instructions only for those who can act on them; the change
	// management note once, where an edit form is open.
	const runNote = "If you run test without saving the endpoint first, the test will run against the previously configured endpoint."
	const changeNote = "Please follow your organization change management process"
	if p.Has(runNote) || p.Has(changeNote) || p.Has("The user ") {
		t.Error("a viewer is told how to edit or test, or the page narrates about the user")
	}
	b := newAgent(t, tp)
	b.SignIn(tp.OperatorToken)
	if p := b.Get("/console/stores/" + portaltest.StoreJWO); !p.Has(runNote) || p.Has(changeNote) {
		t.Error("an operator is not told how Run Test works, or sees the change management note without a form")
	}
	if p := b.Get("/console/stores/" + portaltest.StoreJWO + "?edit=loyalty"); strings.Count(p.Body, changeNote) != 1 ||
		!p.Has(`id="loyalty-form"`) {
		t.Error("the open form lacks the change management note, or has it twice")
	}
}

// A Not set connector has a Configure button; a saved one the pencil.
func TestNotSetConnectorsHaveConfigure(t *testing.T) {
	t.Parallel()
	tp := consoleWithOrdering(t)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	p := a.Get(storePath)
	if !p.Has(`<a class="button secondary" id="loyalty-edit" href="?edit=loyalty#loyalty-form" aria-label="Configure the Loyalty connector">Configure</a>`) ||
		!p.Has(`<a class="pencil" id="ordering-edit"`) {
		t.Fatalf("no Configure for Loyalty or no pencil for Ordering:\n%s", p.Body)
	}
}

// The list says per store how its connectors last tested, and filters the
// stores with an Unsuccessful one; the store page says it after Complete.
func TestStoreListShowsConnectorHealthAndFiltersUnsuccessful(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreDashCart, jwo.MethodOrdering, portaltest.ClosedURL(t))
	run, err := tp.Operator.StartTest(context.Background(), portaltest.StoreDashCart, jwo.MethodOrdering, portaltest.SKU, "")
	if err == nil {
		run, err = tp.Operator.WaitTest(context.Background(), run.ID)
	}
	if err != nil || run.Status != jwo.TestUnsuccessful {
		t.Fatalf("run: %+v %v", run, err)
	}
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, publicURL)
	a := newAgent(t, tp)
	p := a.SignIn(tp.ViewerToken)
	if !p.Has(`id="health-`+portaltest.StoreDashCart+`"><span class="health">`) || !p.Has(`<span class="UNSUCCESSFUL">1 Unsuccessful</span>`) ||
		!p.Has(`<span class="UNTESTED">1 Untested</span>`) {
		t.Fatalf("the list shows no connector health:\n%s", p.Body)
	}
	f := a.Get("/console/?health=unsuccessful")
	if !f.Has(`data-store="`+portaltest.StoreDashCart+`"`) || f.Has(`data-store="`+portaltest.StoreJWO+`"`) || !f.Has(`value="unsuccessful" checked`) {
		t.Errorf("the unsuccessful filter:\n%s", f.Body)
	}
	if f := a.Get("/console/?health=unsuccessful&completion_status=INCOMPLETE"); f.Has(`data-store="` + portaltest.StoreDashCart + `"`) {
		t.Error("the unsuccessful filter ignores the completion filter")
	}
	s := a.Get("/console/stores/" + portaltest.StoreDashCart)
	if !s.Has(`>Complete</strong>: all the required values are set; 1 connector last tested Unsuccessful.`) {
		t.Errorf("the store page hides the unsuccessful connector behind Complete:\n%s", s.Body)
	}
}

// The wizard works without JavaScript: each step a page, Skip a cookie.
func TestWizardStepsAndSkipWithoutJavaScript(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	p := a.SignIn(tp.ViewerToken)
	if !p.Has(`id="wizard-step-1"`) || p.Has(`id="wizard-step-2"`) || p.Has(`id="wizard-back"`) || !p.Has(`href="/console/?wizard=2#wizard"`) {
		t.Fatalf("the first page shows not step 1 alone with Next:\n%s", p.Body)
	}
	p = a.Get("/console/?wizard=3")
	if !p.Has(`id="wizard-step-3"`) || p.Has(`id="wizard-next"`) || !p.Has(`href="/console/?wizard=2#wizard"`) {
		t.Fatalf("step 3 has no Back or still a Next:\n%s", p.Body)
	}
	if p := a.Get("/console/?wizard=9"); !p.Has(`id="wizard-step-1"`) {
		t.Error("an unknown step does not show the first")
	}
	p = a.Get("/console/wizard/skip")
	if p.Has(`id="wizard"`) || !p.Has(`id="wizard-show"`) || !strings.HasSuffix(p.URL, "/console/") {
		t.Fatalf("Skip does not hide the wizard: %s\n%s", p.URL, p.Body)
	}
	if p := a.Get("/console/"); p.Has(`id="wizard"`) {
		t.Error("the wizard is back on the next visit")
	}
	if p := a.Get("/console/?wizard=1"); !p.Has(`id="wizard-step-1"`) {
		t.Error("Show the prerequisites does not show them again")
	}
	if b := newAgent(t, tp); !b.SignIn(tp.ViewerToken).Has(`id="wizard-step-1"`) {
		t.Error("another browser does not see the wizard")
	}
}
