package console_test

import (
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
		"If you run test without saving the endpoint first, the test will run against the previously configured endpoint.",
		"Only Private AWS API Gateways need to be set as Private.",
		"Please follow your organization change management process",
	} {
		if !p.Has(want) {
			t.Errorf("the store page lacks %q", want)
		}
	}
}
