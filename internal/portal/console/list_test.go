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
	p := a.signIn(tp.ViewerToken)
	for _, want := range []string{
		`data-store="` + portaltest.StoreDashCart + `"`, `class="completion COMPLETE">Complete`,
		`class="completion INCOMPLETE">Incomplete`, `class="completion NOT_REQUIRED">Not Required`,
		"This does not mean all the connectors are working properly",
		"Identity, Loyalty, Ordering, Fraud and Abuse", "Dash Cart",
	} {
		if !p.has(want) {
			t.Errorf("store list lacks %s", want)
		}
	}
	if p.has(portaltest.StoreOther) {
		t.Error("the list shows another merchant's store")
	}
	f := a.get("/console/?completion_status=COMPLETE")
	if !f.has(`data-store="`+portaltest.StoreDashCart+`"`) || f.has(`data-store="`+portaltest.StoreJWO+`"`) || !f.has(`value="COMPLETE" selected`) {
		t.Errorf("completion filter:\n%s", f.body)
	}
	f = a.get("/console/?store_type=DASH_CART")
	if !f.has(`data-store="`+portaltest.StoreDashCart+`"`) || f.has(`data-store="`+portaltest.StoreNotRequired+`"`) {
		t.Errorf("store type filter:\n%s", f.body)
	}
	if f := a.get("/console/?store_type=BOGUS"); f.status != http.StatusOK || !f.has("Choose a store type") {
		t.Errorf("bad filter: status %d", f.status)
	}
}

func TestStoreListPages(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	tp.AddStores("zz", 60)
	a := newAgent(t, tp)
	p := a.signIn(tp.ViewerToken)
	first := strings.Count(p.body, "<tr data-store=")
	i := strings.Index(p.body, `id="next-page"`)
	if first != 50 || i < 0 {
		t.Fatalf("first page: %d stores, next link %v", first, i >= 0)
	}
	href := p.body[strings.LastIndex(p.body[:i], `href="`)+6:]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	second := a.get(href)
	n := strings.Count(second.body, "<tr data-store=")
	if n != 63-50 || second.has(`id="next-page"`) || !second.has(`id="first-page"`) || !second.has("zz-0060") {
		t.Fatalf("second page: %d stores\n%s", n, second.body)
	}
}
