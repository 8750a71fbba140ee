package console_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/api"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// A signed-in browser counts against its token's rate limit, the same
// bucket as the token's API calls: 200 page loads in a burst are limited
// as 200 API calls would be. Static files are in no budget.
func TestConsoleSessionsShareTheTokensRateLimit(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{}, portaltest.WithAPIOptions(func(o *api.Options) { o.RateLimit = 1 })) // burst 2
	a := newAgent(t, tp)
	a.SignIn(tp.ViewerToken)
	for range 10 {
		if p := a.Get("/console/static/console.css"); p.Status != http.StatusOK {
			t.Fatalf("a static file while signed in: %d, want 200 (in no budget)", p.Status)
		}
	}
	limited := 0
	for range 5 {
		if p := a.Get("/console/"); p.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("5 console page loads in a row under a rate limit of 1 per second (burst 2) were all served")
	}
	// The browser spent the token's bucket: the same token's API call
	// waits too, another token's does not.
	if _, err := tp.Client(tp.ViewerToken, func(c *client.Config) { c.MaxRetries = 0 }).ListStores(t.Context(), client.StoreFilter{}, ""); client.StatusCode(err) != http.StatusTooManyRequests {
		t.Errorf("an API call of the console's token right after: %v, want 429", err)
	}
	if _, err := tp.Client(tp.OperatorToken, func(c *client.Config) { c.MaxRetries = 0 }).ListStores(t.Context(), client.StoreFilter{}, ""); err != nil {
		t.Errorf("another token: %v", err)
	}
}

// A session cookie that names no session is a failed authentication: it
// counts against the client address's failed-authentication budget, not
// against the open pages'.
func TestUnknownSessionCookiesAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{}, portaltest.WithAPIOptions(func(o *api.Options) { o.AddressRateLimit = 1 })) // bursts of 10
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, cookie string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, tp.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: console.SessionCookie, Value: cookie})
		}
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res.StatusCode
	}
	var statuses []int
	for range 12 {
		statuses = append(statuses, get("/console/", "guessed-session-id"))
	}
	if statuses[0] != http.StatusSeeOther || statuses[11] != http.StatusTooManyRequests {
		t.Fatalf("unknown session cookies answered %v; want redirects to sign-in, then 429", statuses)
	}
	if s := get("/console/sign-in", ""); s != http.StatusOK {
		t.Errorf("the sign-in page without a cookie from the same address: %d, want 200 (the open budget)", s)
	}
}

// The static files are served, their directory is not listed.
func TestStaticFilesAreNotListed(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	for _, path := range []string{"/console/static/", "/console/static"} {
		if p := a.Get(path); p.Status != http.StatusNotFound || p.Has(`<a href="console.css"`) {
			t.Errorf("GET %s: %d, listing %v; want 404 without a list of files", path, p.Status, p.Has(`<a href="console.css"`))
		}
	}
	if p := a.Get("/console/static/console.css"); p.Status != http.StatusOK {
		t.Errorf("a static file: %d", p.Status)
	}
}

// Every page names its icon, which is served: the browser then never asks
// for /favicon.ico, outside the console, and logs no 404.
func TestEveryPageHasAnIconThatIsServed(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	const link = `<link rel="icon" href="/console/static/favicon.svg" type="image/svg+xml">`
	if p := a.Get("/console/sign-in"); !p.Has(link) {
		t.Errorf("the sign-in page names no icon:\n%s", p.Body)
	}
	a.SignIn(tp.ViewerToken)
	for _, path := range []string{"/console/", storePath, "/console/no-such-page"} {
		if p := a.Get(path); !p.Has(link) {
			t.Errorf("%s names no icon", path)
		}
	}
	res, err := a.Client.Get(tp.URL + "/console/static/favicon.svg")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("the icon: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
