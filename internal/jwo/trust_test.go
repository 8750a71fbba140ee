package jwo

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestMatchPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"repo:acme/infra:ref:refs/heads/main", "repo:acme/infra:ref:refs/heads/main", true},
		{"repo:acme/infra:ref:refs/heads/main", "repo:acme/infra:ref:refs/heads/mainx", false},
		{"repo:acme/infra:ref:refs/heads/main", "repo:acme/infra:ref:refs/heads/mai", false},
		{"repo:acme/infra:*", "repo:acme/infra:pull_request", true},
		{"repo:acme/infra:*", "repo:acme/infra:", true},
		{"repo:acme/infra:*", "repo:acme/infra", false},
		{"repo:acme/infra:*", "repo:acme/infra-evil:pull_request", false},
		{"*:pull_request", "repo:acme/infra:pull_request", true},
		{"repo:*:environment:prod", "repo:acme/infra:environment:prod", true},
		{"repo:*:environment:prod", "repo:acme/infra:environment:production", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false}, // prefix and suffix may not share the one character
		{"a*a", "aa", true},
		{"*", "", true},
		{"**", "anything", true},
		// Only * is special: ? [ ] and \ are literal.
		{"refs/heads/?", "refs/heads/x", false},
		{"refs/heads/?", "refs/heads/?", true},
		{"refs/heads/[a-z]", "refs/heads/b", false},
		{`a\*b`, `a\xb`, true}, // no escapes: the backslash is a character like any other
		{"", "", true},
		{"", "x", false},
		{"ünï*cødé", "ünïXcødé", true},
	} {
		if got := MatchPattern(tc.pattern, tc.s); got != tc.want {
			t.Errorf("MatchPattern(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestValidateTrustPolicy(t *testing.T) {
	good := TrustPolicySpec{Name: "main-apply", Issuer: "https://token.actions.githubusercontent.com", Audience: "jwo",
		Subject: "repo:acme/infra:ref:refs/heads/main", Claims: map[string]string{"workflow": "deploy"}, Role: "Operator"}
	got, errs := ValidateTrustPolicy(good, EndpointPolicy{})
	if len(errs) != 0 {
		t.Fatalf("a good policy: %v", errs)
	}
	if got.Role != RoleOperator || got.MaxTTL != DefaultTrustTTL {
		t.Fatalf("defaults: role %q max_ttl %d, want operator and %d", got.Role, got.MaxTTL, DefaultTrustTTL)
	}
	for _, tc := range []struct {
		name   string
		change func(*TrustPolicySpec)
		policy EndpointPolicy
		field  string
		says   string
	}{
		{"no name", func(s *TrustPolicySpec) { s.Name = "" }, EndpointPolicy{}, "name", "empty"},
		{"http issuer", func(s *TrustPolicySpec) { s.Issuer = "http://issuer.example" }, EndpointPolicy{}, "issuer", "https only"},
		{"loopback issuer in production", func(s *TrustPolicySpec) { s.Issuer = "http://127.0.0.1:9" }, EndpointPolicy{}, "issuer", "this machine"},
		{"issuer with a query", func(s *TrustPolicySpec) { s.Issuer = "https://issuer.example/?x=1" }, EndpointPolicy{}, "issuer", "query"},
		{"relative issuer", func(s *TrustPolicySpec) { s.Issuer = "issuer.example" }, EndpointPolicy{}, "issuer", "absolute"},
		{"no audience", func(s *TrustPolicySpec) { s.Audience = "" }, EndpointPolicy{}, "audience", "empty"},
		{"subject that matches everything", func(s *TrustPolicySpec) { s.Subject = "**" }, EndpointPolicy{}, "subject", "every subject"},
		{"subject with a newline", func(s *TrustPolicySpec) { s.Subject = "repo:a\nb" }, EndpointPolicy{}, "subject", "control character"},
		{"claim on aud", func(s *TrustPolicySpec) { s.Claims = map[string]string{"aud": "x"} }, EndpointPolicy{}, "claims.aud", "remove it"},
		{"empty claim pattern", func(s *TrustPolicySpec) { s.Claims = map[string]string{"ref": ""} }, EndpointPolicy{}, "claims.ref", "empty"},
		{"unknown role", func(s *TrustPolicySpec) { s.Role = "owner" }, EndpointPolicy{}, "role", "unknown role"},
		{"ttl over an hour", func(s *TrustPolicySpec) { s.MaxTTL = 3601 }, EndpointPolicy{}, "max_ttl", "out of range"},
		{"ttl under a minute", func(s *TrustPolicySpec) { s.MaxTTL = 59 }, EndpointPolicy{}, "max_ttl", "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := good
			spec.Claims = map[string]string{"workflow": "deploy"}
			tc.change(&spec)
			_, errs := ValidateTrustPolicy(spec, tc.policy)
			if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Message, tc.says) {
				t.Fatalf("errors %v, want one on %s saying %q", errs, tc.field, tc.says)
			}
		})
	}
	dev := good
	dev.Issuer = "http://127.0.0.1:8080"
	if _, errs := ValidateTrustPolicy(dev, EndpointPolicy{AllowLoopbackHTTP: true}); len(errs) != 0 {
		t.Fatalf("a loopback issuer in development: %v", errs)
	}
}

func TestValidateKeySetURL(t *testing.T) {
	t.Parallel()
	dev := EndpointPolicy{AllowLoopbackHTTP: true}
	for _, tc := range []struct {
		raw    string
		policy EndpointPolicy
		ok     bool
	}{
		{"https://token.actions.githubusercontent.com/.well-known/jwks", EndpointPolicy{}, true},
		{"https://www.googleapis.com/oauth2/v3/certs", EndpointPolicy{}, true}, // another host than the issuer's
		{"https://keys.example/jwks?v=2", EndpointPolicy{}, true},
		{"http://keys.example/jwks", EndpointPolicy{}, false},
		{"http://keys.example/jwks", dev, false}, // Dev opens loopback only
		{"http://127.0.0.1:8080/keys", dev, true},
		{"http://localhost:8080/keys", dev, true},
		{"http://127.0.0.1:8080/keys", EndpointPolicy{}, false},
		{"https://user:pw@keys.example/jwks", EndpointPolicy{}, false},
		{"https://keys.example/jwks#x", EndpointPolicy{}, false},
		{"ftp://keys.example/jwks", EndpointPolicy{}, false},
		{"/keys", EndpointPolicy{}, false},
	} {
		if err := ValidateKeySetURL(tc.raw, tc.policy); (err == nil) != tc.ok {
			t.Errorf("ValidateKeySetURL(%q, dev=%v) = %v, want ok=%v", tc.raw, tc.policy.AllowLoopbackHTTP, err, tc.ok)
		}
	}
}

func TestJWTAudiences(t *testing.T) {
	t.Parallel()
	enc := func(payload string) string {
		b64 := base64.RawURLEncoding.EncodeToString
		return b64([]byte(`{"alg":"RS256"}`)) + "." + b64([]byte(payload)) + ".c2ln"
	}
	for _, tc := range []struct {
		jwt  string
		want []string
		ok   bool
	}{
		{enc(`{"aud":"jwo"}`), []string{"jwo"}, true},
		{enc(`{"aud":["a","b"]}`), []string{"a", "b"}, true},
		{enc(`{"sub":"x"}`), nil, true},
		{enc(`{"aud":null}`), nil, true},
		{enc(`{"aud":7}`), nil, false},
		{enc(`[]`), nil, false},
		{"a.b", nil, false},
		{"a.!!!.c", nil, false},
	} {
		got, err := JWTAudiences(tc.jwt)
		if (err == nil) != tc.ok || strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("JWTAudiences(%q) = %q, %v; want %q, ok=%v", tc.jwt, got, err, tc.want, tc.ok)
		}
	}
}
