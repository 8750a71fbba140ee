package apitest

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// The subjects of GitHub Actions for acme/infra that the tests' policies name.
const (
	subjectPR   = "repo:acme/infra:pull_request"
	subjectMain = "repo:acme/infra:ref:refs/heads/main"
	subjectProd = "repo:acme/infra:environment:prod"
	audience    = "jwo"
)

// oidcEnv is a portal and a real OpenID Connect issuer on loopback, with
// acme's three policies: plan on pull requests (viewer), apply from main
// on push (operator), and the prod environment (admin).
type oidcEnv struct {
	*env
	iss      *portaltest.Issuer
	offset   *atomic.Int64 // added to the portal's clock, in seconds
	policies map[string]jwo.TrustPolicy
}

func newOIDCEnv(t *testing.T, opts ...envOption) *oidcEnv {
	t.Helper()
	offset := &atomic.Int64{}
	clock := func(s *portaltest.Setup) {
		s.Options.Clock = func() time.Time { return time.Now().Add(time.Duration(offset.Load()) * time.Second) }
	}
	e := &oidcEnv{env: newEnv(t, append([]envOption{clock}, opts...)...), iss: portaltest.StartIssuer(t), offset: offset,
		policies: map[string]jwo.TrustPolicy{}}
	e.policy(e.tp.AdminToken, "pr-plan", subjectPR, jwo.RoleViewer, nil)
	e.policy(e.tp.AdminToken, "main-apply", subjectMain, jwo.RoleOperator, map[string]string{"event_name": "push"})
	e.policy(e.tp.AdminToken, "prod", subjectProd, jwo.RoleAdmin, nil)
	return e
}

func (e *oidcEnv) policy(token, name, subject string, role jwo.Role, claims map[string]string) {
	e.t.Helper()
	b, _ := json.Marshal(jwo.TrustPolicySpec{Name: name, Issuer: e.iss.URL, Audience: audience, Subject: subject,
		Claims: claims, Role: role, MaxTTL: 600})
	ans, body := e.raw(http.MethodPost, "/v1/trust-policies", token, b)
	if ans.StatusCode != http.StatusCreated {
		e.t.Fatalf("create policy %s: %d %s", name, ans.StatusCode, body)
	}
	var p jwo.TrustPolicy
	if err := json.Unmarshal(body, &p); err != nil {
		e.t.Fatal(err)
	}
	e.policies[name] = p
}

type exchangeAnswer struct {
	status                   int
	AccessToken              string `json:"access_token"`
	IssuedTokenType          string `json:"issued_token_type"`
	TokenType                string `json:"token_type"`
	ExpiresIn                int    `json:"expires_in"`
	Error                    string `json:"error"`
	Description              string `json:"error_description"`
	contentType, cacheHeader string
}

// exchangeForm posts a form to the token endpoint.
func (e *env) exchangeForm(form url.Values) exchangeAnswer {
	e.t.Helper()
	ans, body := e.raw(http.MethodPost, "/v1/oauth/token", "", []byte(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
	out := exchangeAnswer{status: ans.StatusCode, contentType: ans.Header.Get("Content-Type"), cacheHeader: ans.Header.Get("Cache-Control")}
	if err := json.Unmarshal(body, &out); err != nil {
		e.t.Fatalf("POST /v1/oauth/token: %d %s: %v", ans.StatusCode, body, err)
	}
	return out
}

func (e *env) exchange(jwt string) exchangeAnswer {
	e.t.Helper()
	return e.exchangeForm(url.Values{
		"grant_type":         {"urn:ietf:params:oauth:grant-type:token-exchange"},
		"subject_token":      {jwt},
		"subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"},
	})
}

// refused asserts a 400 of RFC 6749 5.2 with code and a description
// containing says.
func refused(t *testing.T, a exchangeAnswer, code, says string) {
	t.Helper()
	if a.status != http.StatusBadRequest || a.Error != code || !strings.Contains(a.Description, says) || a.AccessToken != "" {
		t.Fatalf("answer %d %q %q; want 400 %s saying %q", a.status, a.Error, a.Description, code, says)
	}
	if !strings.HasPrefix(a.contentType, "application/json") {
		t.Fatalf("error Content-Type %q, want application/json (RFC 6749 5.2)", a.contentType)
	}
}

// A valid exchange for each role, with RS256 and ES256: the token acts as
// the policy's merchant and role, expires after max_ttl, is audited as
// trust:NAME (SUBJECT) with the jti, and the same JWT may be exchanged
// again (plan, then apply).
func TestExchangeForEachRole(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	for _, tc := range []struct {
		alg     jose.SignatureAlgorithm
		subject string
		policy  string
		role    jwo.Role
	}{
		{jose.RS256, subjectPR, "pr-plan", jwo.RoleViewer},
		{jose.ES256, subjectMain, "main-apply", jwo.RoleOperator},
		{jose.RS256, subjectProd, "prod", jwo.RoleAdmin},
	} {
		claims := e.iss.Claims(audience, tc.subject)
		jwt := e.iss.Sign(tc.alg, claims)
		a := e.exchange(jwt)
		if a.status != http.StatusOK || a.TokenType != "Bearer" || a.ExpiresIn != 600 ||
			a.IssuedTokenType != "urn:ietf:params:oauth:token-type:access_token" || !strings.HasPrefix(a.AccessToken, "jwo_") ||
			a.cacheHeader != "no-store" {
			t.Fatalf("%s exchange: %+v", tc.role, a)
		}
		if status, _ := e.trustPolicies(a.AccessToken); (status == http.StatusOK) != (tc.role == jwo.RoleAdmin) {
			t.Errorf("%s: GET /v1/trust-policies %d", tc.role, status)
		}
		c := e.client(a.AccessToken)
		if _, err := c.GetStore(t.Context(), storeFull); err != nil {
			t.Errorf("%s: the exchanged token cannot read acme's store: %v", tc.role, err)
		}
		if _, err := e.client(a.AccessToken).GetStore(t.Context(), portaltest.StoreOther); err == nil {
			t.Errorf("%s: the exchanged token reads globex's store", tc.role)
		}
		again := e.exchange(jwt)
		if again.status != http.StatusOK || again.AccessToken == a.AccessToken {
			t.Errorf("%s: a second exchange of the same JWT: %+v", tc.role, again)
		}

		ev := lastAuditEvent(t, e.env, jwo.ActionTokenExchange)
		wantActor := "trust:" + tc.policy + " (" + tc.subject + ")"
		var after struct {
			Token struct {
				Role      jwo.Role   `json:"role"`
				ExpiresAt *time.Time `json:"expires_at"`
			} `json:"token"`
			JTI, Subject, TrustPolicyID string
		}
		_ = json.Unmarshal(ev.After, &after)
		if ev.Actor != wantActor || after.JTI != claims["jti"] || after.Token.Role != tc.role || after.Token.ExpiresAt == nil ||
			time.Until(*after.Token.ExpiresAt) > 601*time.Second || time.Until(*after.Token.ExpiresAt) < 590*time.Second {
			t.Errorf("%s: audit event %s %s", tc.role, ev.Actor, ev.After)
		}
	}
	// A write the role allows, made by an exchanged operator token, is
	// audited under the policy's actor.
	a := e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain)))
	if ans, body := e.raw(http.MethodPut, "/v1/stores/"+storeFull+"/connectors/identity", a.AccessToken,
		[]byte(`{"endpoint_url":"https://abc123defg.execute-api.us-east-1.amazonaws.com/prod","endpoint_type":"PUBLIC"}`)); ans.StatusCode/100 != 2 {
		t.Fatalf("operator write: %d %s", ans.StatusCode, body)
	}
	if ev := lastAuditEvent(t, e.env, jwo.ActionConnectorCreate); ev.Actor != "trust:main-apply ("+subjectMain+")" {
		t.Errorf("the write's actor is %q", ev.Actor)
	}
}

func lastAuditEvent(t *testing.T, e *env, action jwo.AuditAction) jwo.AuditEvent {
	t.Helper()
	_, body := e.raw(http.MethodGet, "/v1/audit-events?page_size=1000", e.tp.AdminToken, nil)
	var page jwo.AuditPage
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	for i := len(page.Events) - 1; i >= 0; i-- {
		if page.Events[i].Action == action {
			return page.Events[i]
		}
	}
	t.Fatalf("no %s event", action)
	return jwo.AuditEvent{}
}

// Every way a JWT can be wrong is a 400 invalid_grant that says what is wrong.
func TestExchangeRefusesBadTokens(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	claims := func(change func(map[string]any)) map[string]any {
		c := e.iss.Claims(audience, subjectMain)
		change(c)
		return c
	}
	// An RSA key the issuer never published.
	stranger := portaltest.StartIssuer(t).PrivateKey(jose.RS256)
	// The first good exchange makes the portal fetch the keys.
	if a := e.exchange(e.iss.Sign(jose.RS256, claims(func(map[string]any) {}))); a.status != http.StatusOK {
		t.Fatalf("a good token: %+v", a)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(e.iss.PublicKey(jose.RS256))
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	noMatch := "no trust policy of any merchant matches issuer"
	for _, tc := range []struct {
		name string
		jwt  func() string
		says string
	}{
		{"wrong audience", func() string {
			return e.iss.Sign(jose.RS256, claims(func(c map[string]any) { c["aud"] = "sts.amazonaws.com" }))
		}, noMatch},
		{"wrong issuer", func() string {
			return e.iss.Sign(jose.RS256, claims(func(c map[string]any) { c["iss"] = "https://token.actions.githubusercontent.com" }))
		}, noMatch},
		{"expired beyond the skew", func() string {
			return e.iss.Sign(jose.ES256, claims(func(c map[string]any) { c["exp"] = time.Now().Add(-2 * time.Minute).Unix() }))
		}, "expired"},
		{"not yet valid", func() string {
			return e.iss.Sign(jose.RS256, claims(func(c map[string]any) { c["nbf"] = time.Now().Add(3 * time.Minute).Unix() }))
		}, "not valid before"},
		{"issued in the future", func() string {
			return e.iss.Sign(jose.RS256, claims(func(c map[string]any) { c["iat"] = time.Now().Add(3 * time.Minute).Unix() }))
		}, "issued in the future"},
		{"bad signature", func() string {
			jwt := e.iss.Sign(jose.RS256, claims(func(map[string]any) {}))
			parts := strings.Split(jwt, ".")
			other := e.iss.Sign(jose.RS256, claims(func(c map[string]any) { c["sub"] = subjectProd }))
			return parts[0] + "." + strings.Split(other, ".")[1] + "." + parts[2] // prod's claims, main's signature
		}, "signature"},
		{"alg none", func() string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
			p, _ := json.Marshal(claims(func(map[string]any) {}))
			return h + "." + base64.RawURLEncoding.EncodeToString(p) + "."
		}, "not a JWT signed with an asymmetric key"},
		{"HS256 with the public key as secret", func() string {
			return portaltest.SignJWT(t, jose.HS256, pubPEM, "", claims(func(map[string]any) {}))
		}, "not a JWT signed with an asymmetric key"},
		{"subject that matches no policy", func() string {
			return e.iss.Sign(jose.RS256, claims(func(c map[string]any) { c["sub"] = "repo:acme/infra-fork:ref:refs/heads/main" }))
		}, noMatch},
		{"claim that does not match", func() string {
			return e.iss.Sign(jose.RS256, claims(func(c map[string]any) { c["event_name"] = "workflow_dispatch" }))
		}, noMatch},
		{"claim missing", func() string {
			return e.iss.Sign(jose.RS256, claims(func(c map[string]any) { delete(c, "event_name") }))
		}, noMatch},
		{"a stranger's key under a published kid", func() string {
			return portaltest.SignJWT(t, jose.RS256, stranger, e.iss.KeyID(jose.RS256), claims(func(map[string]any) {}))
		}, "signature does not verify"},
		{"unknown kid", func() string {
			return portaltest.SignJWT(t, jose.RS256, stranger, "rs256-unknown", claims(func(map[string]any) {}))
		}, "at most once a minute"},
		{"not a JWT", func() string { return "not.a.jwt" }, "not a JWT"},
	} {
		t.Run(tc.name, func(t *testing.T) { refused(t, e.exchange(tc.jwt()), "invalid_grant", tc.says) })
	}

	good := e.iss.Sign(jose.RS256, claims(func(map[string]any) {}))
	for _, tc := range []struct {
		name       string
		form       url.Values
		code, says string
	}{
		{"password grant", url.Values{"grant_type": {"password"}, "subject_token": {good}}, "unsupported_grant_type", "is not supported"},
		{"no subject token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"},
			"subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"}}, "invalid_request", "subject_token is missing"},
		{"SAML subject", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "subject_token": {good},
			"subject_token_type": {"urn:ietf:params:oauth:token-type:saml2"}}, "invalid_request", "subject_token_type"},
		{"parameter twice", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "subject_token": {good, good},
			"subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"}}, "invalid_request", "more than once"},
	} {
		t.Run(tc.name, func(t *testing.T) { refused(t, e.exchangeForm(tc.form), tc.code, tc.says) })
	}
	ans, body := e.raw(http.MethodPost, "/v1/oauth/token", "", []byte(`{"grant_type":"x"}`))
	if ans.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"invalid_request"`) {
		t.Errorf("a JSON body: %d %s", ans.StatusCode, body)
	}
}

// A key rotated at the issuer is fetched when a token names its kid, but
// the keys are fetched at most once a minute per issuer: an unknown kid
// within the minute is refused without a fetch. Exchanges with cached keys
// call the issuer not at all (BenchmarkExchange asserts it too).
func TestExchangeKeyRotation(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	if a := e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))); a.status != http.StatusOK {
		t.Fatalf("first exchange: %+v", a)
	}
	if n := e.iss.Fetches.Load(); n != 1 {
		t.Fatalf("%d key fetches after the first exchange, want 1", n)
	}
	e.offset.Store(30)
	e.iss.Rotate(jose.RS256)
	rotated := e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))
	refused(t, e.exchange(rotated), "invalid_grant", "at most once a minute")
	if n := e.iss.Fetches.Load(); n != 1 {
		t.Fatalf("an unknown kid within the minute fetched the keys (%d fetches)", n)
	}
	e.offset.Store(61)
	if a := e.exchange(rotated); a.status != http.StatusOK {
		t.Fatalf("the rotated key a minute later: %+v", a)
	}
	for range 5 {
		e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain)))
	}
	if n := e.iss.Fetches.Load(); n != 2 {
		t.Fatalf("%d key fetches, want 2: cached keys are used without a fetch", n)
	}
	if n := e.iss.Discoveries.Load(); n != 1 {
		t.Fatalf("%d discoveries, want 1: the discovery document is cached for an hour", n)
	}
}

// Several policies of one merchant give the highest role among them; a
// token that policies of two merchants match is refused.
func TestExchangeMatchesAcrossMerchants(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	e.policy(e.tp.AdminToken, "any-branch", "repo:acme/infra:*", jwo.RoleViewer, nil)
	a := e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain)))
	if a.status != http.StatusOK {
		t.Fatalf("exchange: %+v", a)
	}
	if ev := lastAuditEvent(t, e.env, jwo.ActionTokenExchange); !strings.HasPrefix(ev.Actor, "trust:main-apply ") {
		t.Fatalf("two matching policies of acme: %s acts, want the operator's main-apply", ev.Actor)
	}
	e.policy(e.tp.OtherAdminToken, "squatter", "repo:acme/*", jwo.RoleViewer, nil)
	refused(t, e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))), "invalid_grant", "trust policies of 2 merchants")
	// A subject only globex's policy matches acts for globex.
	b := e.exchange(e.iss.Sign(jose.ES256, e.iss.Claims(audience, "repo:acme/other:ref:refs/heads/dev")))
	if b.status != http.StatusOK {
		t.Fatalf("globex's exchange: %+v", b)
	}
	if _, err := e.client(b.AccessToken).GetStore(t.Context(), storeFull); err == nil {
		t.Fatal("a token of globex's policy reads acme's store")
	}
}

// Deleting a policy revokes the tokens exchanged under it at once, and its
// JWTs are no longer exchanged.
func TestExchangeDeletedPolicy(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	jwt := e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))
	a := e.exchange(jwt)
	if a.status != http.StatusOK {
		t.Fatalf("exchange: %+v", a)
	}
	if _, err := e.client(a.AccessToken).GetStore(t.Context(), storeFull); err != nil {
		t.Fatal(err)
	}
	if ans, body := e.raw(http.MethodDelete, "/v1/trust-policies/"+e.policies["main-apply"].ID, e.tp.AdminToken, nil); ans.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", ans.StatusCode, body)
	}
	ans, body := e.raw(http.MethodGet, "/v1/stores/"+storeFull, a.AccessToken, nil)
	if ans.StatusCode != http.StatusUnauthorized || !strings.Contains(problemDetail(body), "revoked") {
		t.Fatalf("the deleted policy's token: %d %s, want 401 saying revoked", ans.StatusCode, body)
	}
	refused(t, e.exchange(jwt), "invalid_grant", "no trust policy of any merchant matches")
}

// An issuer that hangs, or answers 1 MiB of keys, fails the exchange with
// a description that names the issuer, within the fetch timeout; the
// portal goes on serving.
func TestExchangeMisbehavingIssuer(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t, func(s *portaltest.Setup) { s.Options.IssuerTimeout = 300 * time.Millisecond })
	e.iss.Hang.Store(true)
	start := time.Now()
	refused(t, e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))), "invalid_grant", "could not be fetched")
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("a hanging issuer held the exchange %s", d)
	}
	if ans, _ := e.raw(http.MethodGet, "/v1/stores/"+storeFull, e.tp.ViewerToken, nil); ans.StatusCode != http.StatusOK {
		t.Fatalf("the portal while an issuer hangs: %d", ans.StatusCode)
	}

	huge := newOIDCEnv(t)
	huge.iss.Huge.Store(true)
	refused(t, huge.exchange(huge.iss.Sign(jose.RS256, huge.iss.Claims(audience, subjectMain))), "invalid_grant", "larger than 256 KiB")
}
