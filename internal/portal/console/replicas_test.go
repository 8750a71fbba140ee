package console_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// Sessions are in the database: two replicas on one PostgreSQL serve the
// same browser, and signing out on one ends the session on both.
func TestSessionsWorkAcrossReplicas(t *testing.T) {
	t.Parallel()
	a := startConsole(t, console.Options{}, portaltest.WithEngine(portaltest.Postgres))
	b := portaltest.Start(t, portaltest.WithConsole(console.Options{}), portaltest.WithEngine(portaltest.Engine{
		Name: "postgres", NewDatabase: func(testing.TB) string { return a.DB },
	})).URL

	agent := a.ConsoleAgent(t)
	agent.SignIn(a.ViewerToken)
	// The jar sends the cookie to the other replica too: same host, another port.
	get := func(base string) (int, string) {
		res, err := agent.Client.Get(base + "/console/")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if _, body := get(b); !strings.Contains(body, `id="stores"`) {
		t.Fatalf("replica B does not know replica A's session:\n%s", body)
	}
	cookie := agent.SessionCookie()
	agent.Post("/console/sign-out", url.Values{})
	// The signed-out cookie, replayed to replica B, is no session there.
	u, _ := url.Parse(b + "/console/")
	agent.Client.Jar.SetCookies(u, []*http.Cookie{cookie})
	if _, body := get(b); strings.Contains(body, `id="stores"`) || !strings.Contains(body, `id="token"`) {
		t.Fatal("replica B still serves a session signed out on replica A")
	}
}
