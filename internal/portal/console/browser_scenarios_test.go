package console_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

func TestBrowserSignInWizardAndStoreList(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreDashCart, jwo.MethodOrdering, publicURL)
	signInBrowser(t, ctx, tp.URL, tp.ViewerToken)

	// The wizard: Next, Next, Back, then Skip, remembered across a reload.
	steps := []string{"Step 1: AWS Account Setup", "Step 2: AWS Connector Creation", "Step 3: Provide Configuration Values"}
	for i, step := range steps {
		if i > 0 {
			run(t, ctx, click("#wizard-next"))
		}
		waitFor(t, ctx, fmt.Sprintf(`document.readyState === "complete" && !!document.getElementById("wizard-step-%d")`, i+1))
		if !strings.Contains(text(t, ctx, "#wizard"), step) {
			t.Errorf("the wizard's step %d lacks %q", i+1, step)
		}
	}
	run(t, ctx, click("#wizard-back"))
	waitFor(t, ctx, `document.readyState === "complete" && !!document.getElementById("wizard-step-2")`)
	run(t, ctx, click("#wizard-skip"))
	waitFor(t, ctx, `document.readyState === "complete" && !!document.getElementById("wizard-show")`)
	run(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#stores")))
	if exists(t, ctx, "#wizard") {
		t.Fatal("the wizard is back after a reload")
	}

	list := text(t, ctx, "#stores")
	for _, want := range []string{"Complete", "Incomplete", "Not Required", "Acme Dash Cart 1", "Fraud and Abuse"} {
		if !strings.Contains(list, want) {
			t.Errorf("the store list lacks %q:\n%s", want, list)
		}
	}
	// Filters are a plain GET form.
	run(t, ctx,
		chromedp.SetValue(chromedp.CSS("#completion_status"), "COMPLETE"),
		click("#filter"))
	waitFor(t, ctx, `location.search.includes("completion_status=COMPLETE") && document.readyState === "complete"`)
	if got := text(t, ctx, "#stores tbody"); !strings.Contains(got, "Acme Dash Cart 1") || strings.Contains(got, "Acme Seattle 1") {
		t.Errorf("filtered list:\n%s", got)
	}
}

func TestBrowserPencilSaveCancelAndFieldError(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := consoleWithOrdering(t)
	signInBrowser(t, ctx, tp.URL, tp.OperatorToken)
	run(t, ctx, chromedp.Navigate(tp.URL+storePath), chromedp.WaitVisible(chromedp.CSS("#ordering-edit")))

	// Cancel keeps the current configuration and writes nothing.
	before := len(auditEvents(t, tp.Viewer))
	run(t, ctx,
		click("#ordering-edit"),
		chromedp.WaitVisible(chromedp.CSS("#ordering-endpoint_url")),
		chromedp.SetValue(chromedp.CSS("#ordering-endpoint_url"), otherURL),
		click("#ordering-cancel"),
		chromedp.WaitVisible(chromedp.CSS("#ordering-edit")))
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.Version != 1 || len(auditEvents(t, tp.Viewer)) != before {
		t.Fatalf("Cancel wrote: %+v", got)
	}

	// A .vpce host with Public: the portal's error beside the type field.
	run(t, ctx,
		click("#ordering-edit"),
		chromedp.WaitVisible(chromedp.CSS("#ordering-endpoint_url")),
		chromedp.SetValue(chromedp.CSS("#ordering-endpoint_url"), vpceURL),
		click("#ordering-save"),
		chromedp.WaitVisible(chromedp.CSS("#ordering-endpoint_type-error")))
	if msg := text(t, ctx, "#ordering-endpoint_type-error"); !strings.Contains(msg, "PRIVATE") {
		t.Errorf("field error %q", msg)
	}

	// Save by keyboard: type the URL, then Enter in the form.
	eval[chromedp.Void](t, ctx, `document.querySelector("#ordering-endpoint_url").value = ""`)
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#ordering-endpoint_url"), otherURL+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	if s := text(t, ctx, "#ordering-status"); s != "Untested" {
		t.Errorf("status after save %q", s)
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.Version != 2 || got.EndpointURL != otherURL {
		t.Fatalf("after save: %+v", got)
	}
}

func TestBrowserConcurrentChangeIsShown(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := consoleWithOrdering(t)
	signInBrowser(t, ctx, tp.URL, tp.OperatorToken)
	run(t, ctx, chromedp.Navigate(tp.URL+storePath+"?edit=ordering"), chromedp.WaitVisible(chromedp.CSS("#ordering-endpoint_url")))
	theirs := "https://their0000a.execute-api.us-east-1.amazonaws.com/theirs"
	putConnector(t, tp.Admin, portaltest.StoreJWO, jwo.MethodOrdering, theirs)
	run(t, ctx,
		chromedp.SetValue(chromedp.CSS("#ordering-endpoint_url"), otherURL),
		click("#ordering-save"),
		chromedp.WaitVisible(chromedp.CSS("#ordering-problem")))
	if !strings.Contains(text(t, ctx, "#ordering-problem"), "Someone else changed this connector") || text(t, ctx, "#ordering-url") != theirs {
		t.Fatalf("the concurrent change is not shown")
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.EndpointURL != theirs {
		t.Fatalf("their change was overwritten: %+v", got)
	}
}

func TestBrowserRunTestSuccessfulAndUnsuccessful(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := startConsole(t, console.Options{})
	// Slow enough that View Details first shows the run RUNNING: only the
	// page's own reload shows the outcome.
	conn := portaltest.StartConnector(t, connector.Options{Latency: 700 * time.Millisecond})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, conn.URL)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodIdentity, portaltest.ClosedURL(t))
	signInBrowser(t, ctx, tp.URL, tp.OperatorToken)
	for _, tc := range []struct {
		method, status, reason string
	}{{"loyalty", "Successful", ""}, {"identity", "Unsuccessful", "Could not connect"}} {
		run(t, ctx, chromedp.Navigate(tp.URL+storePath), chromedp.WaitVisible(chromedp.CSS("#"+tc.method+"-run-test")))
		if note := text(t, ctx, "#"+tc.method+"-test-note"); !strings.Contains(note, "saved endpoint") {
			t.Errorf("no word of the saved endpoint: %q", note)
		}
		run(t, ctx, click("#"+tc.method+"-run-test"), chromedp.WaitVisible(chromedp.CSS("#last-run")))
		if tc.method == "loyalty" {
			if s := text(t, ctx, "#last-status"); s != "Running" {
				t.Errorf("the slow run shows %q at first, not Running", s)
			}
		}
		waitText(t, ctx, "#last-status", tc.status)
		if r := eval[string](t, ctx, `(document.querySelector("#last-reason") || {}).textContent || ""`); r != tc.reason {
			t.Errorf("%s: reason %q, want %q", tc.method, r, tc.reason)
		}
		if !exists(t, ctx, "#history tbody tr") || !strings.Contains(text(t, ctx, "#last-by"), "operator") {
			t.Errorf("%s: View Details lacks the history or who ran it", tc.method)
		}
	}
}

func TestBrowserOrderingNeedsACatalogItem(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := startConsole(t, console.Options{})
	conn := portaltest.StartConnector(t)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, conn.URL)
	signInBrowser(t, ctx, tp.URL, tp.OperatorToken)
	run(t, ctx,
		chromedp.Navigate(tp.URL+storePath), chromedp.WaitVisible(chromedp.CSS("#ordering-run-test")),
		click("#ordering-run-test"),
		chromedp.WaitVisible(chromedp.CSS("#ordering-sku-error")))
	if msg := text(t, ctx, "#ordering-sku-error"); !strings.Contains(msg, "catalog") {
		t.Errorf("sku error %q", msg)
	}
	if tests, err := tp.Viewer.ListTests(context.Background(), portaltest.StoreJWO, jwo.MethodOrdering, 10); err != nil || len(tests) != 0 {
		t.Fatalf("runs started: %v %v", tests, err)
	}
	run(t, ctx,
		chromedp.SetValue(chromedp.CSS("#ordering-sku"), portaltest.SKU),
		click("#ordering-run-test"),
		chromedp.WaitVisible(chromedp.CSS("#last-run")))
	waitText(t, ctx, "#last-status", "Successful")
}

func TestBrowserViewerSeesNoPencil(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := consoleWithOrdering(t)
	signInBrowser(t, ctx, tp.URL, tp.ViewerToken)
	run(t, ctx, chromedp.Navigate(tp.URL+storePath), chromedp.WaitVisible(chromedp.CSS("#ordering-details")))
	if exists(t, ctx, ".pencil") || exists(t, ctx, "#ordering-run-test") {
		t.Fatal("a viewer sees the pencil or Run Test")
	}
}

// A page of another site (another port of loopback) posts the console's form
// with the victim's cookie: refused, nothing written.
func TestBrowserCrossSitePostIsRefused(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := startConsole(t, console.Options{})
	signInBrowser(t, ctx, tp.URL, tp.OperatorToken)
	target := tp.URL + storePath + "/connectors/ordering"
	evil := portaltest.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><form id="f" method="post" action="` + target + `">
<input name="endpoint_url" value="https://attacker0a.execute-api.us-east-1.amazonaws.com/x">
<input name="endpoint_type" value="PUBLIC"><input name="version" value="0"><input name="csrf" value="guess">
<button id="go">go</button></form>`))
	}))
	run(t, ctx, chromedp.Navigate(evil.URL), click("#go"), chromedp.WaitReady(chromedp.CSS("main")))
	if body := text(t, ctx, "main"); !strings.Contains(body, "another site") {
		t.Errorf("the cross-site post was answered with:\n%s", body)
	}
	if _, err := tp.Viewer.GetConnector(context.Background(), portaltest.StoreJWO, jwo.MethodOrdering); !client.IsNotFound(err) {
		t.Fatalf("the cross-site post wrote a connector: %v", err)
	}
}

func TestBrowserSignOutEndsTheSession(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := startConsole(t, console.Options{})
	signInBrowser(t, ctx, tp.URL, tp.ViewerToken)
	run(t, ctx, click("#sign-out"), chromedp.WaitVisible(chromedp.CSS("#token")))
	run(t, ctx, chromedp.Navigate(tp.URL+storePath), chromedp.WaitVisible(chromedp.CSS("#token")))
	if exists(t, ctx, "#connectors") {
		t.Fatal("the store page opens after sign-out")
	}
}

// The page at 320 px: nothing scrolls sideways. Then the README's picture.
func TestBrowserReadableAt320PxAndScreenshot(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	tp := startConsole(t, console.Options{})
	tf := tp.Client(tp.OperatorToken, func(c *client.Config) { c.UserAgent = "terraform-provider-jwo/0.1.0 terraform/1.11.4" })
	putConnector(t, tf, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, otherURL)
	signInBrowser(t, ctx, tp.URL, tp.OperatorToken)

	// Keyboard only: Tab to the pencil, Enter opens its form.
	run(t, ctx, chromedp.Navigate(tp.URL+storePath), chromedp.WaitVisible(chromedp.CSS("#ordering-edit")))
	for i := 0; eval[string](t, ctx, `document.activeElement.id`) != "ordering-edit"; i++ {
		if i > 40 {
			t.Fatal("Tab never reaches the pencil")
		}
		run(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#ordering-form")))

	for _, path := range []string{"/console/", storePath + "?edit=ordering", storePath + "/connectors/ordering"} {
		run(t, ctx, chromedp.EmulateViewport(320, 640), chromedp.Navigate(tp.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
		if wide := eval[int](t, ctx, `document.documentElement.scrollWidth`); wide > 320 {
			t.Errorf("%s is %d px wide at a 320 px viewport", path, wide)
		}
		unlabelled := eval[[]string](t, ctx, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
			.filter(e => !e.labels || e.labels.length === 0).map(e => e.id || e.name)`)
		if len(unlabelled) > 0 {
			t.Errorf("%s has inputs without a label: %q", path, unlabelled)
		}
	}
	run(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(tp.URL+storePath+"?edit=ordering"),
		chromedp.WaitVisible(chromedp.CSS("#ordering-form")))
	screenshot(t, ctx, "console.png")
	run(t, ctx, chromedp.Navigate(tp.URL+"/console/"), chromedp.WaitVisible(chromedp.CSS("#stores")))
	screenshot(t, ctx, "console-stores.png")
}
