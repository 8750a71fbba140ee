package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// startConsole is a test portal serving the console, with opts for the
// console on top of the portal's.
func startConsole(t *testing.T, copts console.Options, opts ...portaltest.Option) *portaltest.Portal {
	t.Helper()
	opts = append(opts, portaltest.WithOptions(func(o *portal.Options) {
		o.Console = func(svc *portal.Service) http.Handler { return console.New(svc, copts) }
	}))
	return portaltest.Start(t, opts...)
}

// agent is a browser without a browser: a cookie jar, forms sent as a
// browser sends them (same-origin), and the last page's CSRF token.
type agent struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func newAgent(t *testing.T, tp *portaltest.Portal) *agent {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &agent{t: t, base: tp.URL, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// page is an answer after redirects: its final status, URL and body.
type page struct {
	status int
	url    string
	body   string
}

func (p page) has(s string) bool { return strings.Contains(p.body, s) }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (a *agent) do(req *http.Request) page {
	a.t.Helper()
	res, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		a.csrf = string(m[1])
	}
	return page{status: res.StatusCode, url: res.Request.URL.String(), body: string(b)}
}

func (a *agent) get(path string) page {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.base+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.do(req)
}

// post sends a form with the last page's CSRF token (unless the form has
// its own) and the headers a browser sends for a same-origin form; extra
// headers come in pairs and replace them.
func (a *agent) post(path string, form url.Values, headers ...string) page {
	a.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", a.csrf)
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
	return a.do(req)
}

// signIn signs in with token and fails the test unless the store list shows.
func (a *agent) signIn(token string) page {
	a.t.Helper()
	a.get("/console/sign-in")
	p := a.post("/console/sign-in", url.Values{"token": {token}})
	if p.status != http.StatusOK || !p.has("Connector Configurations") || !p.has(`id="stores"`) {
		a.t.Fatalf("sign-in: status %d at %s\n%s", p.status, p.url, p.body)
	}
	return p
}

func (a *agent) sessionCookie() *http.Cookie {
	u, _ := url.Parse(a.base + "/console/")
	for _, c := range a.c.Jar.Cookies(u) {
		if c.Name == console.SessionCookie {
			return c
		}
	}
	return nil
}
