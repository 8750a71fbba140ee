package jwo

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// TrustPolicy lets the OpenID Connect tokens of one issuer and audience
// whose subject and claims match its patterns be exchanged for a short-lived
// token of the policy's merchant and role (POST /v1/oauth/token).
type TrustPolicy struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Issuer    string            `json:"issuer"`
	Audience  string            `json:"audience"`
	Subject   string            `json:"subject"`
	Claims    map[string]string `json:"claims"`
	Role      Role              `json:"role"`
	MaxTTL    int               `json:"max_ttl"` // seconds
	CreatedAt time.Time         `json:"created_at"`
}

// TrustPolicySpec is the body of POST /v1/trust-policies: a policy before
// the portal names and dates it. MaxTTL 0 is DefaultTrustTTL.
type TrustPolicySpec struct {
	Name     string            `json:"name"`
	Issuer   string            `json:"issuer"`
	Audience string            `json:"audience"`
	Subject  string            `json:"subject"`
	Claims   map[string]string `json:"claims,omitempty"`
	Role     Role              `json:"role"`
	MaxTTL   int               `json:"max_ttl,omitempty"`
}

// TrustPolicyList is the answer of GET /v1/trust-policies.
type TrustPolicyList struct {
	TrustPolicies []TrustPolicy `json:"trust_policies"`
}

// Bounds of a trust policy. An exchanged token lives at most an hour, like
// an AWS STS session: long enough for an apply that outlives the CI run's
// five-minute JWT, short enough that a token leaked from a job dies soon.
const (
	MaxTrustTTL      = 3600
	MinTrustTTL      = 60
	DefaultTrustTTL  = 3600
	maxTrustClaims   = 16
	maxPatternLength = 512
)

// reservedClaims are checked by the exchange itself, or named by the
// policy's own fields: a claim pattern on them would be ignored or say the
// same thing twice.
var reservedClaims = []string{"iss", "aud", "sub", "exp", "nbf", "iat"}

// MatchPattern reports whether s matches pattern, where `*` matches any run
// of characters (also none) and every other character only itself: a
// subject such as "repo:acme/infra:ref:refs/heads/*" holds no other
// wildcard, so "?" or "[" in a GitHub ref cannot widen it.
func MatchPattern(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	first, last := parts[0], parts[len(parts)-1]
	if !strings.HasPrefix(s, first) {
		return false
	}
	s = s[len(first):]
	// The leftmost place of each middle part leaves the most room to the
	// rest, so a greedy scan decides without backtracking.
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}

// ValidateTrustPolicy checks a policy to create; policy says whether an
// http issuer on this machine is allowed (development). It returns the
// spec with its defaults filled in, or every wrong field.
func ValidateTrustPolicy(spec TrustPolicySpec, policy EndpointPolicy) (TrustPolicySpec, []FieldError) {
	var errs []FieldError
	add := func(field, format string, a ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, a...)})
	}
	if err := validatePolicyName(spec.Name); err != nil {
		add("name", "%v: give a short name such as \"github-main-apply\"", err)
	}
	if err := ValidateIssuerURL(spec.Issuer, policy); err != nil {
		add("issuer", "%v", err)
	}
	if err := validatePrintable(spec.Audience, maxPatternLength); err != nil {
		add("audience", "%v: give the audience the CI asks its token for, e.g. \"jwo\"", err)
	}
	if err := validatePrintable(spec.Subject, maxPatternLength); err != nil {
		add("subject", "%v: give the subject pattern, e.g. \"repo:acme/infra:ref:refs/heads/main\"", err)
	} else if strings.Trim(spec.Subject, "*") == "" {
		add("subject", "%q matches every subject of the issuer: name the repository, e.g. \"repo:acme/infra:*\"", spec.Subject)
	}
	if len(spec.Claims) > maxTrustClaims {
		add("claims", "%d claims; at most %d", len(spec.Claims), maxTrustClaims)
	}
	names := make([]string, 0, len(spec.Claims))
	for name := range spec.Claims {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		field := "claims." + name
		switch {
		case validatePrintable(name, 100) != nil:
			add("claims", "claim name %q must be 1 to 100 printable characters", name)
		case slices.Contains(reservedClaims, name):
			add(field, "%q is checked by the exchange itself or by the policy's own fields (issuer, audience, subject): remove it", name)
		default:
			if err := validatePrintable(spec.Claims[name], maxPatternLength); err != nil {
				add(field, "%v: give a pattern, e.g. \"refs/heads/main\"", err)
			}
		}
	}
	if role, err := ParseRole(string(spec.Role)); err != nil {
		add("role", "%v", err)
	} else {
		spec.Role = role
	}
	if spec.MaxTTL == 0 {
		spec.MaxTTL = DefaultTrustTTL
	}
	if spec.MaxTTL < MinTrustTTL || spec.MaxTTL > MaxTrustTTL {
		add("max_ttl", "%d seconds is out of range: give %d to %d (an hour)", spec.MaxTTL, MinTrustTTL, MaxTrustTTL)
	}
	return spec, errs
}

// ValidateIssuerURL checks an OpenID Connect issuer: an absolute https URL
// without credentials, query or fragment (http and loopback hosts only
// where policy allows them). The portal fetches its discovery document,
// so it is also an outbound call the tester's egress policy decides.
func ValidateIssuerURL(raw string, policy EndpointPolicy) error {
	if raw == "" {
		return fmt.Errorf("issuer is empty: give the https URL of the OpenID Connect issuer, e.g. \"https://token.actions.githubusercontent.com\"")
	}
	if len(raw) > maxEndpointURLLength {
		return fmt.Errorf("issuer is %d characters long; the limit is %d", len(raw), maxEndpointURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("issuer %q is not an absolute https URL such as \"https://token.actions.githubusercontent.com\"", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("issuer %q has credentials, a query or a fragment: give the issuer exactly as its tokens' \"iss\" claim says", raw)
	}
	host := strings.ToLower(u.Hostname())
	if IsLoopbackHost(host) {
		if !policy.AllowLoopbackHTTP {
			return fmt.Errorf("issuer %q points at this machine (%s): give the issuer's public https URL", raw, host)
		}
		return nil
	}
	if u.Scheme != "https" {
		return fmt.Errorf("issuer %q uses http: OpenID Connect issuers are https only, use \"https://%s\"", raw, strings.TrimPrefix(raw, "http://"))
	}
	return nil
}

// ValidateKeySetURL checks the jwks_uri of an issuer's discovery document:
// an absolute https URL without credentials or fragment (http only on a
// loopback host where policy allows it). Its host may differ from the
// issuer's (Google's keys are at www.googleapis.com), since the egress
// policy decides where the portal connects; https is what makes the keys
// the host's, where over http anyone on the path could swap them and sign
// any token of the issuer's name.
func ValidateKeySetURL(raw string, policy EndpointPolicy) error {
	if len(raw) > maxEndpointURLLength {
		return fmt.Errorf("jwks_uri is %d characters long; the limit is %d", len(raw), maxEndpointURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("jwks_uri %q is not an absolute https URL", raw)
	}
	if u.User != nil || u.Fragment != "" {
		return fmt.Errorf("jwks_uri %q has credentials or a fragment", raw)
	}
	loopbackHTTP := policy.AllowLoopbackHTTP && IsLoopbackHost(strings.ToLower(u.Hostname()))
	if u.Scheme == "http" && !loopbackHTTP {
		return fmt.Errorf("jwks_uri %q uses http: the keys that check the issuer's tokens are fetched over https only", raw)
	}
	return nil
}

// validatePolicyName: a policy's name is part of the name of every token
// exchanged under it ("trust:NAME (SUBJECT)"), so it follows the rule of
// token names: visible characters in NFC, no " via " (ValidateTokenName).
func validatePolicyName(name string) error {
	if err := validatePrintable(name, 100); err != nil {
		return err
	}
	if err := checkDisplayText(name); err != nil {
		return fmt.Errorf("%q %w", name, err)
	}
	if HoldsActorSeparator(name) {
		return fmt.Errorf("%q contains %q, which the audit log reserves to name the front end of a call", name, ActorSeparator)
	}
	return nil
}

// validatePrintable: names and patterns appear in audit actors and logs.
func validatePrintable(s string, limit int) error {
	if s == "" {
		return fmt.Errorf("is empty")
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > limit {
		return fmt.Errorf("must be 1 to %d characters of valid UTF-8", limit)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%q contains a control character", s)
		}
	}
	return nil
}

// JWTAudiences reads the aud claim (a string or a list) of a compact JWT,
// checking nothing else: the signature is the portal's to check. The
// provider uses it to keep a CI's token minted for another service from
// being sent to the portal at all. Its errors never hold the token.
func JWTAudiences(jwt string) ([]string, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a compact JWT (%d parts, want 3)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errors.New("its claims are not base64url")
	}
	var c struct {
		Aud json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errors.New("its claims are not a JSON object")
	}
	if len(c.Aud) == 0 || string(c.Aud) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(c.Aud, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(c.Aud, &list); err != nil {
		return nil, errors.New("its aud claim is neither a string nor a list of strings")
	}
	return list, nil
}
