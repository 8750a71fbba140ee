package portaltest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
)

// WithConsole serves the web console under /console/ with these options.
func WithConsole(opts console.Options) Option {
	return func(s *Setup) { s.Console = &opts }
}

// ConsoleAgent is a browser without a browser for the console: a cookie
// jar, forms sent the way a browser sends a same-origin form, and the CSRF
// token of the last page it read.
type ConsoleAgent struct {
	Client *http.Client
	CSRF   string

	t    testing.TB
	base string
}

// ConsolePage is an answer after redirects: its status, final URL and body.
type ConsolePage struct {
	Status int
	URL    string
	Body   string
}

// Has says whether the page's HTML contains s.
func (p ConsolePage) Has(s string) bool { return strings.Contains(p.Body, s) }

// ConsoleAgent is a new agent on this portal's console, signed out.
func (tp *Portal) ConsoleAgent(t testing.TB) *ConsoleAgent {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &ConsoleAgent{t: t, base: tp.URL, Client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Do sends a request and reads the answer in full.
func (a *ConsoleAgent) Do(req *http.Request) ConsolePage {
	a.t.Helper()
	res, err := a.Client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		a.CSRF = string(m[1])
	}
	return ConsolePage{Status: res.StatusCode, URL: res.Request.URL.String(), Body: string(b)}
}

// Get reads a console page.
func (a *ConsoleAgent) Get(path string) ConsolePage {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.base+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.Do(req)
}

// Post sends a form with the last page's CSRF token (unless the form has
// its own) and the headers of a same-origin form; extra headers come in
// pairs and replace those.
func (a *ConsoleAgent) Post(path string, form url.Values, headers ...string) ConsolePage {
	a.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", a.CSRF)
	}
	req, err := http.NewRequest(http.MethodPost, a.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", a.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.Do(req)
}

// SignIn pastes token into the sign-in form and fails the test unless the
// store list shows.
func (a *ConsoleAgent) SignIn(token string) ConsolePage {
	a.t.Helper()
	a.Get("/console/sign-in")
	p := a.Post("/console/sign-in", url.Values{"token": {token}})
	if p.Status != http.StatusOK || !p.Has(`id="stores"`) {
		a.t.Fatalf("console sign-in: status %d at %s\n%s", p.Status, p.URL, p.Body)
	}
	return p
}

// SessionCookie is the console's session cookie in the jar, or nil.
func (a *ConsoleAgent) SessionCookie() *http.Cookie {
	u, _ := url.Parse(a.base + "/console/")
	for _, c := range a.Client.Jar.Cookies(u) {
		if c.Name == console.SessionCookie {
			return c
		}
	}
	return nil
}
