package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/api"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

const (
	publicURL = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	otherURL  = "https://xyz987wvut.execute-api.us-east-1.amazonaws.com/prod"
	vpceURL   = "https://abc123defg-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com/prod"
)

func putConnector(t *testing.T, c *client.Client, storeID string, m jwo.Method, u string) jwo.Connector {
	t.Helper()
	got, _, err := c.PutConnector(context.Background(), storeID, m, jwo.ConnectorInput{EndpointURL: u, EndpointType: jwo.EndpointPublic}, client.Precondition{})
	if err != nil {
		t.Fatalf("put connector: %v", err)
	}
	return got
}

func connectorOf(t *testing.T, c *client.Client, storeID string, m jwo.Method) jwo.Connector {
	t.Helper()
	got, err := c.GetConnector(context.Background(), storeID, m)
	if err != nil {
		t.Fatalf("get connector: %v", err)
	}
	return got
}

func auditEvents(t *testing.T, c *client.Client) []jwo.AuditEvent {
	t.Helper()
	evs, err := c.AllAuditEvents(context.Background(), "")
	if err != nil {
		t.Fatalf("audit events: %v", err)
	}
	return evs
}

func TestSignInGivesAStrictHttpOnlySessionCookie(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.Get("/console/sign-in")
	res, err := a.Client.Do(noRedirectPost(t, a, tp.URL+"/console/sign-in", url.Values{"token": {tp.OperatorToken}, "csrf": {a.CSRF}}))
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	var set string
	for _, h := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(h, console.SessionCookie+"=") {
			set = h
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/console/", "Max-Age="} {
		if !strings.Contains(set, want) {
			t.Errorf("session cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("session cookie over plain http is Secure (the browser would drop it): %q", set)
	}
	if strings.Contains(set, tp.OperatorToken) {
		t.Error("the session cookie carries the token")
	}
}

func TestSignInRefusesABadTokenInThePortalsWords(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.Get("/console/sign-in")
	p := a.Post("/console/sign-in", url.Values{"token": {"jwo_not-a-token"}})
	if p.Status != http.StatusUnauthorized || !p.Has("The token is unknown") || a.SessionCookie() != nil {
		t.Fatalf("status %d, cookie %v\n%s", p.Status, a.SessionCookie(), p.Body)
	}
	// A sign-in form without its CSRF token is refused even with a good token.
	p = a.Post("/console/sign-in", url.Values{"token": {tp.OperatorToken}, "csrf": {"forged"}})
	if p.Status != http.StatusForbidden || a.SessionCookie() != nil {
		t.Fatalf("sign-in without the form's token: status %d", p.Status)
	}
}

func TestSignedOutPagesSendToSignIn(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	for _, path := range []string{"/console/", "/console/stores/" + portaltest.StoreJWO} {
		if p := a.Get(path); !strings.HasSuffix(p.URL, "/console/sign-in") || !p.Has(`id="token"`) {
			t.Errorf("%s while signed out ends at %s", path, p.URL)
		}
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.SignIn(tp.ViewerToken)
	old := a.SessionCookie()
	p := a.Post("/console/sign-out", url.Values{})
	if !p.Has("You have signed out.") || a.SessionCookie() != nil {
		t.Fatalf("after sign-out at %s, cookie %v", p.URL, a.SessionCookie())
	}
	// The old cookie, replayed, is no session any more.
	b := newAgent(t, tp)
	u, _ := url.Parse(tp.URL + "/console/")
	b.Client.Jar.SetCookies(u, []*http.Cookie{old})
	if p := b.Get("/console/"); !strings.Contains(p.URL, "/console/sign-in") || p.Has(`id="stores"`) {
		t.Fatalf("the signed-out cookie still opens %s", p.URL)
	}
}

func TestSessionExpires(t *testing.T) {
	t.Parallel()
	now := time.Now()
	clock := func() time.Time { return now }
	tp := startConsole(t, console.Options{SessionTTL: time.Hour, Now: func() time.Time { return clock() }})
	a := newAgent(t, tp)
	a.SignIn(tp.ViewerToken)
	later := now.Add(time.Hour + time.Second)
	clock = func() time.Time { return later }
	if p := a.Get("/console/"); !p.Has("Your session has expired") {
		t.Fatalf("an expired session still opens %s", p.URL)
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	path := "/console/stores/" + portaltest.StoreJWO + "/connectors/ordering"
	form := url.Values{"endpoint_url": {publicURL}, "endpoint_type": {"PUBLIC"}, "version": {"0"}}
	for name, headers := range map[string][]string{
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		"foreign Origin":            {"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
	} {
		if p := a.Post(path, cloneForm(form), headers...); p.Status != http.StatusForbidden || !p.Has("another site") {
			t.Errorf("%s: status %d", name, p.Status)
		}
	}
	// Same origin but without the session's CSRF token.
	f := cloneForm(form)
	f.Set("csrf", "guess")
	if p := a.Post(path, f); p.Status != http.StatusForbidden || !p.Has("CSRF") {
		t.Errorf("without the CSRF token: status %d", p.Status)
	}
	if _, err := tp.Viewer.GetConnector(context.Background(), portaltest.StoreJWO, jwo.MethodOrdering); !client.IsNotFound(err) {
		t.Fatalf("a refused form wrote a connector: %v", err)
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// noRedirectPost is a form post whose answer is read as sent, redirect
// and Set-Cookie headers included.
func noRedirectPost(t *testing.T, a *portaltest.ConsoleAgent, target string, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a.Client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t.Cleanup(func() { a.Client.CheckRedirect = nil })
	return req
}

// Served over TLS, the session cookie is Secure.
func TestSessionCookieIsSecureUnderTLS(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	srv := httptest.NewUnstartedServer(tp.Handler())
	_ = srv.Listener.Close()
	srv.Listener = portaltest.Listen(t)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Get(srv.URL + "/console/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	var signin *http.Cookie
	for _, ck := range res.Cookies() {
		signin = ck
	}
	if signin == nil || !signin.Secure {
		t.Fatalf("the sign-in form's cookie over TLS: %+v", signin)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/console/sign-in",
		strings.NewReader(url.Values{"token": {tp.OperatorToken}, "csrf": {signin.Value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(signin)
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Name == console.SessionCookie && ck.Value != "" && !ck.Secure {
			t.Fatalf("session cookie over TLS is not Secure: %+v", ck)
		}
		if ck.Name == console.SessionCookie && ck.Value != "" {
			return
		}
	}
	t.Fatalf("no session cookie after sign-in over TLS (status %d)", res.StatusCode)
}

// Pasted tokens count against the portal's limit per client address, like
// API requests without a valid token.
func TestSignInIsRateLimitedPerAddress(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{}, portaltest.WithAPIOptions(func(o *api.Options) { o.AddressRateLimit = 1 }))
	a := newAgent(t, tp)
	a.Get("/console/sign-in")
	limited := 0
	for range 15 {
		if p := a.Post("/console/sign-in", url.Values{"token": {"jwo_guess"}}); p.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("15 sign-in attempts at once were never limited")
	}
}
