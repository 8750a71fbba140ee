package apitest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// The adversarial review of workload identity (RELIABILITY.md, "Workload
// identity: the adversarial review"): each test here failed before its fix.

// issuerResolver answers the portal's lookups of an issuer's host: addr,
// or a "no such host" when addr is not valid. No query leaves the machine.
type issuerResolver netip.Addr

func (r issuerResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if !netip.Addr(r).IsValid() {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return []netip.Addr{netip.Addr(r)}, nil
}

// A token endpoint must not tell an unauthenticated caller what the
// portal's resolver answers (issue 22, point 3): an issuer whose host does
// not resolve, and one that resolves only to refused addresses, give the
// same error_description, which names neither the address nor its class;
// the cause goes to the portal's log. Production mode: nothing is dialled.
func TestExchangeHidesWhatTheResolverAnswered(t *testing.T) {
	t.Parallel()
	signer := portaltest.StartIssuer(t)
	const issuer = "https://issuer.example"
	var descriptions []string
	for _, tc := range []struct {
		name  string
		addr  netip.Addr
		cause string
	}{
		{"private", netip.MustParseAddr("10.20.30.40"), "10.20.30.40 is a private address"},
		{"metadata", netip.MustParseAddr("169.254.169.254"), "169.254.169.254 is a link-local address"},
		{"no such host", netip.Addr{}, "no such host"},
	} {
		logs := &portaltest.SyncBuffer{}
		e := newEnv(t, func(s *portaltest.Setup) {
			s.Options.Dev = false
			s.Options.IssuerResolver = issuerResolver(tc.addr)
			s.Options.Logger = slog.New(slog.NewJSONHandler(logs, nil))
		})
		b, _ := json.Marshal(jwo.TrustPolicySpec{Name: "ci", Issuer: issuer, Audience: audience, Subject: subjectMain, Role: jwo.RoleViewer})
		if ans, body := e.raw(http.MethodPost, "/v1/trust-policies", e.tp.AdminToken, b); ans.StatusCode != http.StatusCreated {
			t.Fatalf("%s: create policy: %d %s", tc.name, ans.StatusCode, body)
		}
		claims := signer.Claims(audience, subjectMain)
		claims["iss"] = issuer
		a := e.exchange(signer.Sign(jose.ES256, claims))
		refused(t, a, "invalid_grant", "could not be fetched")
		for _, leak := range []string{tc.cause, "10.20.30.40", "169.254", "10.0.0.0/8", "metadata", "no such host"} {
			if strings.Contains(a.Description, leak) {
				t.Errorf("%s: the description tells %q: %s", tc.name, leak, a.Description)
			}
		}
		if !strings.Contains(logs.String(), tc.cause) {
			t.Errorf("%s: the portal's log lacks the cause %q:\n%s", tc.name, tc.cause, logs.String())
		}
		descriptions = append(descriptions, a.Description)
	}
	for _, d := range descriptions[1:] {
		if d != descriptions[0] {
			t.Errorf("the descriptions differ, so they tell the causes apart:\n%s\n%s", descriptions[0], d)
		}
	}
}

// A discovery document may put the keys on another host (Google's are at
// www.googleapis.com), but only at an https URL: keys fetched over http
// could be swapped by anyone on the path, who could then sign any token of
// the issuer's name. Dev mode allows http on a loopback host only.
func TestExchangeFetchesKeysOverHTTPSOnly(t *testing.T) {
	t.Parallel()
	// Every name resolves to loopback, so that a fetch the portal should not
	// make would still succeed here, and nothing leaves the machine.
	e := newOIDCEnv(t, func(s *portaltest.Setup) { s.Options.IssuerResolver = issuerResolver(netip.MustParseAddr("127.0.0.1")) })
	_, port, err := net.SplitHostPort(strings.TrimPrefix(e.iss.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	e.iss.SetJWKSURI("http://keys.example:" + port + "/keys")
	refused(t, e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))), "invalid_grant", "jwks_uri")
	if n := e.iss.Fetches.Load(); n != 0 {
		t.Fatalf("the keys were fetched over http from a host that is not loopback (%d fetches)", n)
	}

	// Another host than the issuer's is allowed (loopback over http, Dev).
	other := newOIDCEnv(t, func(s *portaltest.Setup) { s.Options.IssuerResolver = issuerResolver(netip.MustParseAddr("127.0.0.1")) })
	_, port, _ = net.SplitHostPort(strings.TrimPrefix(other.iss.URL, "http://"))
	other.iss.SetJWKSURI("http://localhost:" + port + "/keys")
	if a := other.exchange(other.iss.Sign(jose.ES256, other.iss.Claims(audience, subjectMain))); a.status != http.StatusOK {
		t.Fatalf("keys on another loopback host: %+v", a)
	}
}

// exchangeRaw posts body to the token endpoint with query, and answers the
// status, the headers and the body.
func (e *env) exchangeRaw(query string, body []byte) (rawAnswer, exchangeAnswer, []byte) {
	e.t.Helper()
	ans, b := e.raw(http.MethodPost, "/v1/oauth/token"+query, "", body, "Content-Type", "application/x-www-form-urlencoded")
	out := exchangeAnswer{status: ans.StatusCode, contentType: ans.Header.Get("Content-Type"), cacheHeader: ans.Header.Get("Cache-Control")}
	_ = json.Unmarshal(b, &out)
	return ans, out, b
}

// Every refusal of the token endpoint is RFC 6749 section 5.2's JSON with
// Cache-Control: no-store and Pragma: no-cache, as the document says: a
// query string was answered with a problem document by the API's generic
// check before the endpoint saw it. A JWT sent in the wrong parameter is
// never echoed back. (Every answer is also checked against the document.)
func TestTokenEndpointRefusalsAreOAuthErrors(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	jwt := e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))
	good := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "subject_token": {jwt},
		"subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"}}
	for _, tc := range []struct {
		name, query string
		body        []byte
		says        string
	}{
		{"the JWT in the query string", "?subject_token=" + url.QueryEscape(jwt), []byte(good.Encode()), "not the query string"},
		{"an unknown query parameter", "?x=1", []byte(good.Encode()), "not the query string"},
		{"a body over 64 KiB", "", []byte(good.Encode() + "&pad=" + strings.Repeat("x", 70<<10)), "larger than"},
		{"the JWT as the token type", "", []byte(url.Values{"grant_type": good["grant_type"], "subject_token": {jwt},
			"subject_token_type": {jwt}}.Encode()), "subject_token_type"},
		{"the JWT as the grant type", "", []byte(url.Values{"grant_type": {jwt}, "subject_token": {jwt}}.Encode()), "grant_type"},
	} {
		ans, a, body := e.exchangeRaw(tc.query, tc.body)
		if a.status != http.StatusBadRequest || !strings.HasPrefix(a.contentType, "application/json") || a.Error == "" ||
			!strings.Contains(a.Description, tc.says) {
			t.Errorf("%s: %d %s %s, want 400 RFC 6749 JSON saying %q", tc.name, a.status, a.contentType, body, tc.says)
		}
		if a.cacheHeader != "no-store" || ans.Header.Get("Pragma") != "no-cache" {
			t.Errorf("%s: Cache-Control %q, Pragma %q", tc.name, a.cacheHeader, ans.Header.Get("Pragma"))
		}
		if strings.Contains(string(body), jwt[strings.LastIndex(jwt, ".")+1:]) {
			t.Errorf("%s: the answer echoes the JWT: %s", tc.name, body)
		}
	}
}

// RFC 8693's optional parameters that ask for a narrower or another token
// (audience, resource, scope, requested_token_type, an actor for
// delegation) were ignored, so a client asking for less got a token of the
// policy's whole role without knowing: they are refused with RFC 8693's
// codes. Parameters no RFC gives the endpoint are ignored (RFC 6749 3.2).
func TestTokenEndpointRefusesWhatItDoesNotIssue(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	jwt := e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))
	form := func(name, value string) url.Values {
		f := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "subject_token": {jwt},
			"subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"}}
		if name != "" {
			f.Set(name, value)
		}
		return f
	}
	for _, tc := range []struct{ name, value, code string }{
		{"audience", "https://other.example", "invalid_target"},
		{"resource", "https://other.example/api", "invalid_target"},
		{"scope", "viewer", "invalid_scope"},
		{"requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token", "invalid_request"},
		{"requested_token_type", "urn:ietf:params:oauth:token-type:jwt", "invalid_request"},
		{"actor_token", jwt, "invalid_request"},
		{"actor_token_type", "urn:ietf:params:oauth:token-type:jwt", "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) { refused(t, e.exchangeForm(form(tc.name, tc.value)), tc.code, tc.name) })
	}
	for _, tc := range []struct{ name, value string }{
		{"requested_token_type", "urn:ietf:params:oauth:token-type:access_token"},
		{"client_id", "terraform"},
		{"x-unknown", "1"},
	} {
		if a := e.exchangeForm(form(tc.name, tc.value)); a.status != http.StatusOK {
			t.Errorf("%s=%s: %+v, want 200", tc.name, tc.value, a)
		}
	}
}

// A claim pattern sees a number as the token writes it. Numbers were read
// as float64 and written back, so above 2^53 two different values read as
// one: a token whose run_id is 9007199254740993 matched a policy for
// 9007199254740992, and a policy for ...993 matched no token at all. The
// other shapes a claim may have are pinned too: a boolean as JSON writes
// it; arrays, objects and missing claims match no pattern, not even "*";
// and a "*" in the token's own value is a literal character.
func TestExchangeClaimValuesAreMatchedAsWritten(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	for name, pattern := range map[string]string{
		"big":    "9007199254740992",
		"exact":  "9007199254740993",
		"bool":   "true",
		"array":  "*",
		"object": "*",
		"star":   "refs/heads/main",
	} {
		e.policy(e.tp.AdminToken, "claim-"+name, "repo:acme/claims:"+name, jwo.RoleViewer, map[string]string{"value": pattern})
	}
	for _, tc := range []struct {
		name  string
		value any
		ok    bool
	}{
		{"big", json.Number("9007199254740993"), false}, // 2^53+1 is not 2^53
		{"exact", json.Number("9007199254740993"), true},
		{"bool", true, true},
		{"array", []string{"main"}, false},
		{"object", map[string]string{"ref": "main"}, false},
		{"star", "refs/heads/*", false},
	} {
		claims := e.iss.Claims(audience, "repo:acme/claims:"+tc.name)
		claims["value"] = tc.value
		a := e.exchange(e.iss.Sign(jose.ES256, claims))
		if (a.status == http.StatusOK) != tc.ok {
			t.Errorf("%s: value %v against the policy's pattern: %d %s %s, want ok=%v", tc.name, tc.value, a.status, a.Error, a.Description, tc.ok)
		}
	}
}

// The token endpoint's budget is the open routes' one of each client
// address: by default 10 requests a second in bursts of 100. A plan makes
// one exchange and an apply two, so a hundred CI jobs behind one NAT
// address can start together; beyond that the answer is 429 with
// Retry-After, which the client waits out (up to 2 minutes) instead of
// failing: a thousand jobs starting at once take about 90 s longer, none
// fails. RELIABILITY.md and the guide say so.
func TestTokenEndpointBudgetPerAddress(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	jwt := e.iss.Sign(jose.ES256, e.iss.Claims(audience, subjectPR))
	served := 0
	var limited exchangeAnswer
	var header http.Header
	for range 300 {
		ans, a, _ := e.exchangeRaw("", []byte(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"},
			"subject_token": {jwt}, "subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"}}.Encode()))
		if a.status != http.StatusOK {
			limited, header = a, ans.Header
			break
		}
		served++
	}
	if served < 100 || limited.status != http.StatusTooManyRequests || header.Get("Retry-After") == "" {
		t.Fatalf("%d exchanges served, then %d (Retry-After %q); want a burst of at least 100, then 429 with Retry-After",
			served, limited.status, header.Get("Retry-After"))
	}
	src, err := client.ExchangeTokenSource(client.Config{Endpoint: e.srv.URL, HTTPClient: e.httpClient(nil), MaxRetries: client.DefaultMaxRetries}, client.StaticJWT(jwt))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := src.Token(); err != nil || tok.AccessToken == "" {
		t.Fatalf("the client did not wait out the 429: %v", err)
	}
}

// A policy's name becomes part of the name of every token exchanged under
// it ("trust:NAME (SUBJECT)"), the audit actor of their writes: it follows
// the rule of token names (issue 22, points 7 and 11), which the printable
// check it had let through: invisible characters, text not in NFC, and the
// " via " that the audit log reserves for the front end.
func TestTrustPolicyNamesFollowTheTokenNameRule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, name := range []string{"main\uFE0Fapply", "cafe\u0301", "ci via terraform", "ci VIA console"} {
		b := policyBody(t, func(m map[string]any) { m["name"] = name })
		ans, body := e.raw(http.MethodPost, "/v1/trust-policies", e.tp.AdminToken, b)
		var prob jwo.Problem
		_ = json.Unmarshal(body, &prob)
		if ans.StatusCode != http.StatusUnprocessableEntity || len(prob.Errors) == 0 || prob.Errors[0].Field != "name" {
			t.Errorf("name %q: %d %s, want 422 naming the field name", name, ans.StatusCode, body)
		}
	}
	if ans, body := e.raw(http.MethodPost, "/v1/trust-policies", e.tp.AdminToken, policyBody(t, func(m map[string]any) { m["name"] = "café main-apply" })); ans.StatusCode != http.StatusCreated {
		t.Errorf("a plain name: %d %s", ans.StatusCode, body)
	}
}

// An exchanged token that has expired says what CI does about it: exchange
// a new JWT, not "create a new one with jwo-portal token create", which
// would lead a user to put a static token back into CI.
func TestExpiredExchangedTokenSaysExchangeAgain(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	a := e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectPR)))
	if a.status != http.StatusOK {
		t.Fatalf("exchange: %+v", a)
	}
	e.offset.Store(601) // the policies' max_ttl is 600 s
	ans, body := e.raw(http.MethodGet, "/v1/stores/"+storeFull, a.AccessToken, nil)
	detail := problemDetail(body)
	if ans.StatusCode != http.StatusUnauthorized || !strings.Contains(detail, "expired") ||
		!strings.Contains(detail, "POST /v1/oauth/token") || strings.Contains(detail, "token create") {
		t.Fatalf("the expired exchanged token: %d %s", ans.StatusCode, detail)
	}
}

// Guards the review kept (they passed before it): the issuer and the
// audience are compared byte for byte, as OpenID Connect requires, so a
// token whose iss or aud differs by a trailing slash or a letter's case
// matches no policy and makes the portal fetch nothing; and a key set that
// answers with a redirect is not followed.
func TestExchangeIssuerAndAudienceAreExact(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	for _, change := range []func(map[string]any){
		func(c map[string]any) { c["iss"] = e.iss.URL + "/" },
		func(c map[string]any) { c["iss"] = strings.Replace(e.iss.URL, "http://", "HTTP://", 1) },
		func(c map[string]any) { c["iss"] = strings.Replace(e.iss.URL, "http://", "https://", 1) },
		func(c map[string]any) { c["aud"] = strings.ToUpper(audience) },
		func(c map[string]any) { c["aud"] = audience + " " },
	} {
		claims := e.iss.Claims(audience, subjectMain)
		change(claims)
		refused(t, e.exchange(e.iss.Sign(jose.RS256, claims)), "invalid_grant", "no trust policy of any merchant matches")
	}
	if n := e.iss.Discoveries.Load() + e.iss.Fetches.Load(); n != 0 {
		t.Fatalf("tokens of no policy's issuer made the portal call the issuer %d times", n)
	}

	e.iss.SetJWKSURI(e.iss.URL + "/moved-keys")
	refused(t, e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))), "invalid_grant", "HTTP 302")
	if n := e.iss.Fetches.Load(); n != 0 {
		t.Fatalf("the redirect was followed to the keys (%d fetches)", n)
	}
}

// Any merchant's admin can copy another merchant's policy (issuer,
// audience and subject are no secret: they are in public workflows), and
// the tokens it matches are then refused as ambiguous: the victim's CI
// stops, and its admin cannot see why, since the other merchant must not
// be named to it. The refusal stays (issue 25); what the review added is
// the warning in the portal's log that names both policies and their
// merchants, so the operator can remove the copy.
func TestAmbiguousExchangeNamesBothPoliciesInTheLog(t *testing.T) {
	t.Parallel()
	logs := &portaltest.SyncBuffer{}
	e := newOIDCEnv(t, func(s *portaltest.Setup) { s.Options.Logger = slog.New(slog.NewJSONHandler(logs, nil)) })
	e.policy(e.tp.OtherAdminToken, "copy", subjectMain, jwo.RoleViewer, nil)
	a := e.exchange(e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain)))
	refused(t, a, "invalid_grant", "trust policies of 2 merchants")
	if strings.Contains(a.Description, globex) || strings.Contains(a.Description, e.policies["copy"].ID) {
		t.Fatalf("the refusal names the other merchant: %s", a.Description)
	}
	for _, want := range []string{e.policies["main-apply"].ID, e.policies["copy"].ID, acme, globex, subjectMain} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the portal's log lacks %q:\n%s", want, logs.String())
		}
	}
}

// RFC 6749 section 5.2: a missing required parameter is invalid_request;
// unsupported_grant_type is for a grant type that is there and not
// supported. A form without grant_type was answered unsupported_grant_type.
func TestTokenEndpointMissingGrantTypeIsInvalidRequest(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	jwt := e.iss.Sign(jose.RS256, e.iss.Claims(audience, subjectMain))
	refused(t, e.exchangeForm(url.Values{"subject_token": {jwt}, "subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"}}),
		"invalid_request", "grant_type is missing")
	refused(t, e.exchangeForm(url.Values{"grant_type": {"client_credentials"}, "subject_token": {jwt}}),
		"unsupported_grant_type", `"client_credentials" is not supported`)
}

// A token without exp is refused (go-oidc reads it as expired at the zero
// time), and the description says what is wrong instead of "expired at
// 0001-01-01T00:00:00Z".
func TestExchangeTokenWithoutExpiry(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t)
	claims := e.iss.Claims(audience, subjectMain)
	delete(claims, "exp")
	a := e.exchange(e.iss.Sign(jose.RS256, claims))
	refused(t, a, "invalid_grant", "no exp claim")
	if strings.Contains(a.Description, "0001-01-01") {
		t.Fatalf("the description gives the zero time: %s", a.Description)
	}
}
