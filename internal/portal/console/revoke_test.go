package console_test

import (
	"context"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// signedInWith signs an agent in with a new operator token of spec and
// checks that the store list opens.
func signedInWith(t *testing.T, tp *portaltest.Portal, spec portal.TokenSpec) (*portaltest.ConsoleAgent, jwo.Token) {
	t.Helper()
	token, tok, err := portaltest.IssueToken(context.Background(), tp.DB, spec)
	if err != nil {
		t.Fatal(err)
	}
	a := newAgent(t, tp)
	a.SignIn(token)
	return a, tok
}

// A session whose token stopped being valid ends at its next request: the
// session is checked against the token every time.
func expectSessionEnded(t *testing.T, a *portaltest.ConsoleAgent) {
	t.Helper()
	p := a.Get("/console/")
	if p.Has(`id="stores"`) || !p.Has("no longer valid") || a.SessionCookie() != nil {
		t.Fatalf("the session still opens %s:\n%s", p.URL, p.Body)
	}
}

func TestRevokingTheTokenEndsItsSession(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a, tok := signedInWith(t, tp, portal.TokenSpec{Merchant: portaltest.Merchant, Role: jwo.RoleOperator, Name: "revoked-later"})
	if err := portaltest.RevokeToken(context.Background(), tp.DB, tok.ID); err != nil {
		t.Fatal(err)
	}
	expectSessionEnded(t, a)
}

func TestAnExpiredTokenEndsItsSession(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	const life = 1500 * time.Millisecond
	a, _ := signedInWith(t, tp, portal.TokenSpec{Merchant: portaltest.Merchant, Role: jwo.RoleOperator, Name: "short-lived", ExpiresIn: life})
	time.Sleep(life + 100*time.Millisecond)
	expectSessionEnded(t, a)
}
