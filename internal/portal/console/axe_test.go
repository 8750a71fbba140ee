package console_test

import (
	"context"
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// axeSource is axe-core as shipped on npm (testdata/axe/README.md).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe-core's default rules (WCAG 2.0 to 2.2 A and AA and its
// best practices) on the page as it stands. The console's CSP forbids
// foreign script, so the tab bypasses it (the pages themselves are not
// changed: the check is on what a visitor gets).
func axeRun(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe !== "undefined"`) {
		eval[chromedp.Void](t, ctx, axeSource)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 160))})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe: %v", err)
	}
	return v
}

// bypassCSP lets axeRun inject axe-core into this tab's pages.
func bypassCSP(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	}))
}

// checkAxe fails the test on any violation of the page state, named.
func checkAxe(t *testing.T, ctx context.Context, state string) int {
	t.Helper()
	vs := axeRun(t, ctx)
	for _, v := range vs {
		t.Errorf("axe, %s: %s (%s): %s\n  %s", state, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	return len(vs)
}

// pageHeight is the page's height in CSS px at a viewport width.
func pageHeight(t *testing.T, ctx context.Context, width int64) int {
	t.Helper()
	run(t, ctx, chromedp.EmulateViewport(width, 800))
	return eval[int](t, ctx, `document.documentElement.scrollHeight`)
}

// submit clicks sel and waits for the page it leads to.
func submit(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	eval[chromedp.Void](t, ctx, `window.jwoOld = true`)
	run(t, ctx, click(sel))
	waitFor(t, ctx, `!window.jwoOld && document.readyState === "complete"`)
}

func loaded() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`document.readyState === "complete" && !!document.querySelector("main")`)(ctx, t)
		return err
	})
}

// Every page and state of the console has no axe violation, and the store
// page at 375 px is at most twice as tall as at 1280 px. The figures are
// logged (go test -v -run TestBrowserAccessibility) for the notes.
func TestBrowserAccessibilityAndHeights(t *testing.T) {
	t.Parallel()
	// Fourteen page states, each checked by axe and measured at two widths:
	// more than one tab's minute on a loaded machine.
	ctx := tabFor(t, 3*time.Minute)
	bypassCSP(t, ctx)
	tp := startConsole(t, console.Options{})
	bg := context.Background()
	tf := tp.Client(tp.OperatorToken, func(c *client.Config) { c.UserAgent = "terraform-provider-jwo/0.1.0 terraform/1.11.4" })
	conn := portaltest.StartConnector(t, connector.Options{})
	putConnector(t, tf, portaltest.StoreJWO, jwo.MethodOrdering, conn.URL)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodLoyalty, conn.URL)
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodIdentity, portaltest.ClosedURL(t))
	bad := portaltest.StartConnector(t, connector.Options{Violate: []string{"fraud_and_abuse.missing_field_refused"}})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodFraudAndAbuse, bad.URL)
	for m, suite := range map[jwo.Method]string{jwo.MethodLoyalty: "", jwo.MethodIdentity: "", jwo.MethodFraudAndAbuse: "CONFORMANCE"} {
		run, err := tp.Operator.StartRun(bg, portaltest.StoreJWO, m, jwo.TestInput{Suite: suite}, "")
		if err == nil {
			_, err = tp.Operator.WaitTest(bg, run.ID)
		}
		if err != nil {
			t.Fatalf("test run of %s: %v", m, err)
		}
	}

	type state struct {
		name    string
		path    string // navigated to, unless do is set
		do      func()
		heights bool
	}
	states := []state{
		{name: "sign-in", path: "/console/sign-in"},
		{name: "sign-in, wrong token", do: func() {
			run(t, ctx, chromedp.Navigate(tp.URL+"/console/sign-in"), loaded(), chromedp.SendKeys(chromedp.CSS("#token"), "jwo_wrong"))
			submit(t, ctx, "#sign-in")
		}},
		{name: "store list", do: func() {
			run(t, ctx, chromedp.Navigate(tp.URL+"/console/sign-in"), loaded(), chromedp.SendKeys(chromedp.CSS("#token"), tp.OperatorToken))
			submit(t, ctx, "#sign-in")
		}, heights: true},
		{name: "store list, wizard step 3", path: "/console/?wizard=3"},
		{name: "store list, filtered", path: "/console/?" + url.Values{"completion_status": {"COMPLETE"}}.Encode()},
		{name: "store page", path: storePath, heights: true},
		{name: "store page, form open", path: storePath + "?edit=ordering", heights: true},
		{name: "store page, field error", do: func() {
			run(t, ctx, chromedp.Navigate(tp.URL+storePath+"?edit=ordering"), loaded(), chromedp.SetValue(chromedp.CSS("#ordering-endpoint_url"), vpceURL))
			submit(t, ctx, "#ordering-save")
			run(t, ctx, chromedp.WaitVisible(chromedp.CSS("#ordering-endpoint_type-error")))
		}},
		{name: "store page, SKU missing", do: func() {
			run(t, ctx, chromedp.Navigate(tp.URL+storePath), loaded())
			submit(t, ctx, "#ordering-run-test")
			run(t, ctx, chromedp.WaitVisible(chromedp.CSS("#ordering-sku-error")))
		}},
		{name: "View Details, successful", path: storePath + "/connectors/loyalty", heights: true},
		{name: "View Details, unsuccessful", path: storePath + "/connectors/identity"},
		{name: "View Details, no run", path: storePath + "/connectors/ordering"},
		{name: "View Details, conformance", path: storePath + "/connectors/fraud_and_abuse", heights: true},
		{name: "not found", path: "/console/no-such-page"},
	}
	for _, st := range states {
		run(t, ctx, chromedp.EmulateViewport(1280, 800))
		if st.do != nil {
			st.do()
		} else {
			run(t, ctx, chromedp.Navigate(tp.URL+st.path), loaded())
		}
		n := checkAxe(t, ctx, st.name)
		line := fmt.Sprintf("%-28s axe violations %d", st.name, n)
		if st.heights {
			narrow := pageHeight(t, ctx, 375)
			if dir := os.Getenv("JWO_CONSOLE_SHOTS"); dir != "" { // to look at the pages while changing them
				b, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				_ = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(st.name, " ", "_")+"-375.png"), b, 0o644)
			}
			wide := pageHeight(t, ctx, 1280)
			if dir := os.Getenv("JWO_CONSOLE_SHOTS"); dir != "" {
				b, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				_ = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(st.name, " ", "_")+"-1280.png"), b, 0o644)
			}
			line += fmt.Sprintf(", height %d px at 375, %d px at 1280", narrow, wide)
			// A phone can use the store page: at 375 px no taller than twice at 1280.
			if strings.HasPrefix(st.name, "store page") && narrow > 2*wide {
				t.Errorf("%s is %d px tall at 375 px, more than twice %d px at 1280", st.name, narrow, wide)
			}
		}
		t.Log(line)
	}
}
