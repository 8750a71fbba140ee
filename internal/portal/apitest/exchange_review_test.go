package apitest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

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
