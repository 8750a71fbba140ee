package apitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// tokenList is GET /v1/tokens by token, with the status.
func (e *env) tokenList(token string) (int, jwo.TokenList, string) {
	e.t.Helper()
	ans, body := e.raw(http.MethodGet, "/v1/tokens", token, nil)
	var list jwo.TokenList
	if ans.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &list); err != nil {
			e.t.Fatal(err)
		}
	}
	return ans.StatusCode, list, string(body)
}

func tokenNamed(list jwo.TokenList, name string) (jwo.Token, bool) {
	for _, t := range list.Tokens {
		if t.Name == name {
			return t, true
		}
	}
	return jwo.Token{}, false
}

func problemDetail(body []byte) string {
	var p jwo.Problem
	_ = json.Unmarshal(body, &p)
	return p.Detail
}

// An admin lists the merchant's tokens (never a secret, never another
// merchant's) and revokes one: from the next request on it is 401 saying it
// was revoked, the revocation is in the audit log, and another merchant's
// token cannot be revoked.
func TestTokensListAndRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, list, body := e.tokenList(e.tp.AdminToken)
	if status != http.StatusOK {
		t.Fatalf("GET /v1/tokens as admin: %d %s", status, body)
	}
	for _, secret := range e.tp.Tokens() {
		if strings.Contains(body, secret) {
			t.Fatal("GET /v1/tokens shows a token's secret")
		}
	}
	viewerTok, ok := tokenNamed(list, portaltest.TokenName(acme, jwo.RoleViewer))
	if !ok || viewerTok.Role != jwo.RoleViewer || !strings.HasPrefix(viewerTok.ID, "tok_") || viewerTok.ExpiresAt != nil {
		t.Fatalf("acme's viewer token in the list: %+v (found %v)", viewerTok, ok)
	}
	if _, ok := tokenNamed(list, portaltest.TokenName(globex, jwo.RoleAdmin)); ok {
		t.Fatal("acme's list shows globex's token")
	}
	for _, tok := range []string{e.tp.ViewerToken, e.tp.OperatorToken} {
		if status, _, _ := e.tokenList(tok); status != http.StatusForbidden {
			t.Errorf("GET /v1/tokens below admin: %d, want 403", status)
		}
		if ans, _ := e.raw(http.MethodDelete, "/v1/tokens/"+viewerTok.ID, tok, nil); ans.StatusCode != http.StatusForbidden {
			t.Errorf("DELETE /v1/tokens below admin: %d, want 403", ans.StatusCode)
		}
	}

	// Globex's admin cannot revoke acme's token, nor learn that it exists.
	if ans, b := e.raw(http.MethodDelete, "/v1/tokens/"+viewerTok.ID, e.tp.OtherAdminToken, nil); ans.StatusCode != http.StatusNotFound {
		t.Errorf("another merchant's DELETE: %d %s, want 404", ans.StatusCode, b)
	}
	if _, err := e.viewer.ListStores(t.Context(), client.StoreFilter{}, ""); err != nil {
		t.Fatalf("the viewer token before its revocation: %v", err)
	}
	if ans, b := e.raw(http.MethodDelete, "/v1/tokens/"+viewerTok.ID, e.tp.AdminToken, nil); ans.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE /v1/tokens/%s: %d %s", viewerTok.ID, ans.StatusCode, b)
	}
	ans, b := e.raw(http.MethodGet, "/v1/stores", e.tp.ViewerToken, nil)
	if ans.StatusCode != http.StatusUnauthorized || !strings.Contains(problemDetail(b), "revoked") ||
		!strings.Contains(ans.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("the revoked token: %d %s %q; want 401 saying it was revoked", ans.StatusCode, b, ans.Header.Get("WWW-Authenticate"))
	}
	if ans, _ := e.raw(http.MethodDelete, "/v1/tokens/"+viewerTok.ID, e.tp.AdminToken, nil); ans.StatusCode != http.StatusNotFound {
		t.Errorf("a second DELETE: %d, want 404", ans.StatusCode)
	}
	if _, list, _ := e.tokenList(e.tp.AdminToken); func() bool { _, ok := tokenNamed(list, viewerTok.Name); return ok }() {
		t.Error("the revoked token is still listed")
	}

	events, err := e.admin.AllAuditEvents(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var created, revoked bool
	for _, ev := range events {
		created = created || (ev.Action == jwo.ActionTokenCreate && strings.Contains(string(ev.After), viewerTok.ID))
		revoked = revoked || (ev.Action == jwo.ActionTokenRevoke && ev.Actor == portaltest.TokenName(acme, jwo.RoleAdmin) &&
			strings.Contains(string(ev.Before), viewerTok.ID) && (ev.After == nil || string(ev.After) == "null"))
	}
	if !created || !revoked {
		t.Errorf("audit log: token.create %v, token.revoke by the admin %v; want both", created, revoked)
	}
	if other, err := e.other.AllAuditEvents(t.Context(), ""); err != nil || strings.Contains(func() string { b, _ := json.Marshal(other); return string(b) }(), viewerTok.ID) {
		t.Errorf("globex's audit log names acme's token (%v)", err)
	}
}

// An expired token is 401 saying so, judged by the portal's clock.
func TestExpiredTokenIs401(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	e := newEnv(t, func(s *portaltest.Setup) {
		s.Options.Clock = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	token, info, err := portaltest.IssueToken(t.Context(), e.db, portal.TokenSpec{Merchant: acme, Role: jwo.RoleViewer, Name: "short-lived", ExpiresIn: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if info.ExpiresAt == nil || info.ExpiresAt.Sub(info.CreatedAt) != time.Hour {
		t.Fatalf("issued token: %+v, want an expiry an hour after creation", info)
	}
	if ans, b := e.raw(http.MethodGet, "/v1/stores", token, nil); ans.StatusCode != http.StatusOK {
		t.Fatalf("the token before it expires: %d %s", ans.StatusCode, b)
	}
	offset.Store(int64(59 * time.Minute))
	if ans, _ := e.raw(http.MethodGet, "/v1/stores", token, nil); ans.StatusCode != http.StatusOK {
		t.Fatalf("59 minutes later: %d, want 200", ans.StatusCode)
	}
	offset.Store(int64(time.Hour + time.Second))
	ans, b := e.raw(http.MethodGet, "/v1/stores", token, nil)
	if ans.StatusCode != http.StatusUnauthorized || !strings.Contains(problemDetail(b), "expired at "+info.ExpiresAt.UTC().Format(time.RFC3339)) {
		t.Errorf("an hour and a second later: %d %s; want 401 saying when it expired", ans.StatusCode, b)
	}
	if _, list, _ := e.tokenList(e.tp.AdminToken); func() bool { t, ok := tokenNamed(list, "short-lived"); return !ok || t.ExpiresAt == nil }() {
		t.Error("GET /v1/tokens does not show the expired token with its expiry")
	}
}

// Requests do not write their token's last use: it is kept in memory, shown
// by GET /v1/tokens at once, and written once per TokenUseInterval.
func TestLastUseIsWrittenOncePerInterval(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *portaltest.Setup) { s.Options.TokenUseInterval = time.Hour })
	stored := func() *time.Time {
		toks, err := portaltest.ListTokens(t.Context(), e.db, acme)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range toks {
			if tok.Name == portaltest.TokenName(acme, jwo.RoleViewer) {
				return tok.LastUsedAt
			}
		}
		t.Fatal("the viewer token is not listed")
		return nil
	}
	before := time.Now().UTC().Truncate(time.Millisecond)
	for range 20 {
		if _, err := e.viewer.ListStores(t.Context(), client.StoreFilter{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if at := stored(); at != nil {
		t.Fatalf("20 requests wrote the last use (%s) before the interval", at)
	}
	_, list, _ := e.tokenList(e.tp.AdminToken)
	if tok, _ := tokenNamed(list, portaltest.TokenName(acme, jwo.RoleViewer)); tok.LastUsedAt == nil || tok.LastUsedAt.Before(before) {
		t.Errorf("GET /v1/tokens shows last use %v, want the requests' time (after %s)", tok.LastUsedAt, before)
	}
	// Closing the portal writes what it holds.
	if err := e.tp.Portal.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if at := stored(); at == nil || at.Before(before) {
		t.Errorf("after close the stored last use is %v, want after %s", at, before)
	}
}

// With a short interval the last use reaches the database within it, with
// no request to trigger the write.
func TestLastUseIsWrittenWithinTheInterval(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *portaltest.Setup) { s.Options.TokenUseInterval = 50 * time.Millisecond })
	if _, err := e.viewer.ListStores(t.Context(), client.StoreFilter{}, ""); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		toks, err := portaltest.ListTokens(t.Context(), e.db, acme)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range toks {
			if tok.Name == portaltest.TokenName(acme, jwo.RoleViewer) && tok.LastUsedAt != nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the last use was not written within 10 s at an interval of 50 ms")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The token.* events name the merchant's tokens, roles, expiry and
// revocations, which GET /v1/tokens shows admins only: viewers and operators
// do not see them in the audit log either (issue 22), and their pages stay
// full (the events are left out by the query, not after it).
func TestTokenEventsAreForAdminsOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, _, err := portaltest.IssueToken(t.Context(), e.db, portal.TokenSpec{Merchant: acme, Role: jwo.RoleViewer, Name: "to-revoke"}); err != nil {
		t.Fatal(err)
	}
	_, list, _ := e.tokenList(e.tp.AdminToken)
	tok, ok := tokenNamed(list, "to-revoke")
	if !ok {
		t.Fatalf("the new token is not listed: %+v", list)
	}
	if a, b := e.raw(http.MethodDelete, "/v1/tokens/"+tok.ID, e.tp.AdminToken, nil); a.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE /v1/tokens/%s: %d %s", tok.ID, a.StatusCode, b)
	}
	tokenEvents := func(c *client.Client) (n, all int) {
		events, err := c.AllAuditEvents(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if strings.HasPrefix(string(ev.Action), "token.") {
				n++
			}
		}
		return n, len(events)
	}
	nAdmin, allAdmin := tokenEvents(e.admin)
	if nAdmin < 2 {
		t.Errorf("the admin sees %d token events, want the create and the revoke at least", nAdmin)
	}
	for role, c := range map[string]*client.Client{"viewer": e.viewer, "operator": e.operator} {
		n, all := tokenEvents(c)
		if n != 0 || all != allAdmin-nAdmin {
			t.Errorf("the %s sees %d token events and %d events, want 0 and %d", role, n, all, allAdmin-nAdmin)
		}
	}
	// A page of one event at a time still reaches every other event.
	a, body := e.raw(http.MethodGet, "/v1/audit-events?page_size=1", e.tp.ViewerToken, nil)
	var page jwo.AuditPage
	if err := json.Unmarshal(body, &page); err != nil || a.StatusCode != http.StatusOK || len(page.Events) != 1 || strings.HasPrefix(string(page.Events[0].Action), "token.") {
		t.Errorf("a viewer's first page of one: %d %s", a.StatusCode, body)
	}
}
