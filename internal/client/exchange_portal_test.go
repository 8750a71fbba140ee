package client_test

// The token source against the real portal and a real OpenID Connect
// issuer on loopback (package client_test, since portaltest imports the
// client).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

const (
	subjectMain = "repo:acme/infra:ref:refs/heads/main"
	subjectPR   = "repo:acme/infra:pull_request"
	oidcAud     = "jwo-client-test"
)

// oidcPortal is a portal whose merchant acme trusts the issuer: main
// applies (operator), pull requests plan (viewer); tokens live ttl.
type oidcPortal struct {
	tp  *portaltest.Portal
	iss *portaltest.Issuer

	mu   sync.Mutex
	logs []client.RequestLog
}

func newOIDCPortal(t *testing.T, ttl int) *oidcPortal {
	t.Helper()
	p := &oidcPortal{tp: portaltest.Start(t), iss: portaltest.StartIssuer(t)}
	for name, rule := range map[string]struct {
		subject string
		role    jwo.Role
	}{"main-apply": {subjectMain, jwo.RoleOperator}, "pr-plan": {subjectPR, jwo.RoleViewer}} {
		_, err := p.tp.Portal.Service().AddTrustPolicy(t.Context(), portaltest.Merchant, jwo.TrustPolicySpec{
			Name: name, Issuer: p.iss.URL, Audience: oidcAud, Subject: rule.subject, Role: rule.role, MaxTTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p *oidcPortal) jwt(subject string) string {
	return p.iss.Sign(jose.RS256, p.iss.Claims(oidcAud, subject))
}

// config is a client configuration of the portal whose attempts are
// recorded.
func (p *oidcPortal) config() client.Config {
	return client.Config{Endpoint: p.tp.URL, Timeout: 10 * time.Second, MaxRetries: 2,
		Logger: func(_ context.Context, rec client.RequestLog) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.logs = append(p.logs, rec)
		}}
}

// exchanges counts the exchange requests the client sent.
func (p *oidcPortal) exchanges() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, rec := range p.logs {
		if rec.URL == p.tp.URL+"/v1/oauth/token" {
			n++
		}
	}
	return n
}

// audited counts the token.exchange events of acme's audit log: the
// portal's own count.
func (p *oidcPortal) audited(t *testing.T) int {
	t.Helper()
	return p.tp.AuditCount(jwo.ActionTokenExchange)
}

// client is a client of the portal acting under the policies, whose
// token source's clock runs behind by lag.
func (p *oidcPortal) client(t *testing.T, subject client.SubjectToken, lag time.Duration) (*client.Client, oauth2.TokenSource) {
	t.Helper()
	src, err := client.ExchangeTokenSourceAt(p.config(), subject, func() time.Time { return time.Now().Add(-lag) })
	if err != nil {
		t.Fatal(err)
	}
	cfg := p.config()
	cfg.TokenSource = src
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, src
}

// counted wraps a SubjectToken and counts its calls.
func counted(n *atomic.Int64, s client.SubjectToken) client.SubjectToken {
	return func(ctx context.Context) (string, error) {
		n.Add(1)
		return s(ctx)
	}
}

// One exchange serves every request, concurrent ones included, until the
// token is due; then the next request exchanges a fresh JWT first. A
// 60-second token is due at 48 s: the clock 46 s behind brings that to 2 s
// from now.
func TestExchangeTokenSourceReusesThenRenews(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, jwo.MinTrustTTL)
	var asked atomic.Int64
	c, src := p.client(t, counted(&asked, func(context.Context) (string, error) { return p.jwt(subjectMain), nil }), 46*time.Second)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.ListConnectors(t.Context(), portaltest.StoreJWO); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	first, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.exchanges(); got != 1 || asked.Load() != 1 || p.audited(t) != 1 {
		t.Fatalf("9 uses of a fresh token: %d exchanges sent, JWT asked %d times, %d audited; want 1 each", got, asked.Load(), p.audited(t))
	}
	if left := time.Until(first.Expiry); left <= 0 || left > 3*time.Second {
		t.Fatalf("renewal due in %v, want about 2s (60 s token, renewed at 48 s, clock 46 s behind)", left)
	}

	time.Sleep(time.Until(first.Expiry) + 100*time.Millisecond)
	if _, err := c.ListConnectors(t.Context(), portaltest.StoreJWO); err != nil {
		t.Fatal(err)
	}
	second, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if p.exchanges() != 2 || asked.Load() != 2 || p.audited(t) != 2 || second.AccessToken == first.AccessToken {
		t.Fatalf("after the renewal time: %d exchanges, JWT asked %d times, %d audited, new token %v; want 2, 2, 2, true",
			p.exchanges(), asked.Load(), p.audited(t), second.AccessToken != first.AccessToken)
	}

	// Neither the JWTs nor the access tokens reach the log records.
	p.mu.Lock()
	logged := fmt.Sprintf("%#v", p.logs)
	p.mu.Unlock()
	for _, secret := range []string{first.AccessToken, second.AccessToken} {
		if strings.Contains(logged, secret) {
			t.Errorf("an access token is in the request log")
		}
	}
	if !strings.Contains(logged, "Bearer <redacted>") {
		t.Errorf("the request log has no redacted Authorization, so the check proves nothing:\n%s", logged)
	}
}

// A file is read again at each renewal: the CI (or the person at the
// keyboard) that replaces it decides what the next token may do. Here the
// second JWT is a pull request's, whose viewer token may not write.
func TestExchangeTokenSourceReadsTheFileAgain(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, jwo.MinTrustTTL)
	file := filepath.Join(t.TempDir(), "jwt")
	write := func(jwt string) {
		if err := os.WriteFile(file, []byte(jwt+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(p.jwt(subjectMain))
	c, src := p.client(t, client.JWTFile(file), 46*time.Second)
	in := jwo.ConnectorInput{EndpointURL: "http://127.0.0.1:9/ordering", EndpointType: jwo.EndpointPublic}
	if _, _, err := c.PutConnector(t.Context(), portaltest.StoreJWO, jwo.MethodOrdering, in, client.Precondition{}); err != nil {
		t.Fatalf("main's operator token: %v", err)
	}
	write(p.jwt(subjectPR))
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	// Checked before the wait, which a wrong renewal time would stretch.
	if left := time.Until(tok.Expiry); left <= 0 || left > 3*time.Second {
		t.Fatalf("renewal due in %v, want about 2s (60 s token, renewed at 48 s, clock 46 s behind)", left)
	}
	time.Sleep(time.Until(tok.Expiry) + 100*time.Millisecond)
	_, _, err = c.PutConnector(t.Context(), portaltest.StoreJWO, jwo.MethodOrdering, in, client.Precondition{})
	if !client.IsForbidden(err) {
		t.Fatalf("after the renewal, with the pull request's JWT in the file: %v; want 403", err)
	}
	if p.exchanges() != 2 {
		t.Fatalf("%d exchanges, want 2", p.exchanges())
	}
}

// The portal's refusal reaches the caller verbatim, as an *ExchangeError,
// without the JWT; the same JWT is not sent again.
func TestExchangeTokenSourceRefusal(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, 600)
	const stranger = "repo:acme/other:ref:refs/heads/main"
	jwt := p.jwt(stranger)
	c, _ := p.client(t, client.StaticJWT(jwt), 0)
	for range 3 {
		_, err := c.ListConnectors(t.Context(), portaltest.StoreJWO)
		want := fmt.Sprintf("token exchange refused (invalid_grant): no trust policy of any merchant matches issuer %q, audience %q, subject %q",
			p.iss.URL, oidcAud, stranger)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v; want it to say %s", err, want)
		}
		var ee *client.ExchangeError
		if !errors.As(err, &ee) || ee.Code != "invalid_grant" || ee.StatusCode != 400 {
			t.Fatalf("error %#v; want an *ExchangeError of invalid_grant", err)
		}
		if strings.Contains(err.Error(), jwt) {
			t.Fatal("the error holds the JWT")
		}
	}
	if p.exchanges() != 1 {
		t.Fatalf("%d exchanges of one refused JWT, want 1", p.exchanges())
	}
}

// The portal's token lives its policy's max_ttl; the source renews it a
// minute before its end (a 600 s token after 540 s), not at the fixed
// minute it uses when the answer states no life.
func TestExchangeTokenSourceRenewsAMinuteBeforeTheEnd(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, 600)
	_, src := p.client(t, client.StaticJWT(p.jwt(subjectMain)), 0)
	before := time.Now()
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.Expiry.Before(before.Add(540*time.Second)) || tok.Expiry.After(time.Now().Add(540*time.Second)) {
		t.Fatalf("renewal due in %v, want 9m0s (600 s token, renewed a minute before its end)", time.Until(tok.Expiry))
	}
}
