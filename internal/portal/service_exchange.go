package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Codes of the errors of ExchangeToken: RFC 6749 section 5.2's, which the
// token endpoint answers instead of problem documents.
const (
	CodeInvalidRequest = "invalid_request"
	CodeInvalidGrant   = "invalid_grant"
)

// ExchangedToken is what a token exchange answers: a token of the
// policy's merchant and role, living ExpiresIn.
type ExchangedToken struct {
	AccessToken string
	ExpiresIn   time.Duration
	Merchant    string
	Role        jwo.Role
	PolicyID    string
}

// maxSubjectToken bounds the JWT a caller may send; CI tokens are 1 to 2 KiB.
const maxSubjectToken = 16 << 10

// maxAudiences bounds the audiences of a token the exchange looks up.
const maxAudiences = 8

// ExchangeToken exchanges an OpenID Connect JWT for a short-lived token
// (RFC 8693): the JWT must be signed by its issuer's current keys, fetched
// under the egress policy, and be valid now (exp, nbf, iat, with a small
// skew); the trust policies of every merchant for its issuer and audience
// are tried; those that match its subject and claims must all be of one
// merchant, and the highest role among them wins. The token acts as
// trust:NAME (SUBJECT), expires after the policy's max_ttl, and is revoked
// with the policy. The exchange is audited with the JWT's jti. A JWT may be
// exchanged again while it is valid (a plan and an apply in one CI job).
func (s *Service) ExchangeToken(ctx context.Context, subjectToken string) (ExchangedToken, error) {
	if s.issuers == nil {
		return ExchangedToken{}, errors.New("portal: this Service makes no token exchanges")
	}
	if subjectToken == "" {
		return ExchangedToken{}, exchangeError(CodeInvalidRequest, "subject_token is missing: send the CI's OpenID Connect token")
	}
	if len(subjectToken) > maxSubjectToken {
		return ExchangedToken{}, exchangeError(CodeInvalidRequest, "subject_token is %d bytes; the limit is %d", len(subjectToken), maxSubjectToken)
	}
	said, err := unverifiedClaims(subjectToken)
	if err != nil {
		return ExchangedToken{}, exchangeError(CodeInvalidGrant, "%v", err)
	}
	noMatch := exchangeError(CodeInvalidGrant, "no trust policy of any merchant matches issuer %q, audience %q, subject %q: an admin of the merchant creates one (POST /v1/trust-policies or jwo-portal trust create)",
		said.Issuer, said.audienceText(), said.Subject)

	var policies []store.TrustPolicy
	audience := ""
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		policies = nil
		for _, aud := range said.Audience {
			ps, err := tx.TrustPoliciesFor(ctx, said.Issuer, aud)
			if err != nil {
				return err
			}
			if len(ps) > 0 && audience == "" {
				audience = aud
			}
			policies = append(policies, ps...)
		}
		return nil
	})
	if err != nil {
		return ExchangedToken{}, err
	}
	// Only an issuer a policy names is ever called: a token cannot make the
	// portal fetch a URL of its choosing.
	if len(policies) == 0 {
		return ExchangedToken{}, noMatch
	}
	tok, claims, err := s.issuers.verify(ctx, said.Issuer, audience, subjectToken)
	if err != nil {
		return ExchangedToken{}, verifyError(said.Issuer, err)
	}
	if err := validateSubject(tok.Subject); err != nil {
		return ExchangedToken{}, exchangeError(CodeInvalidGrant, "%v", err)
	}
	best, err := choosePolicy(policies, tok.Subject, claims)
	var ambiguous *ambiguousMatch
	if errors.As(err, &ambiguous) {
		// The caller may not learn the other merchant; the operator must,
		// to remove a policy that copies another merchant's.
		s.log.WarnContext(ctx, "token exchange refused: trust policies of several merchants match",
			"issuer", said.Issuer, "audience", audience, "subject", tok.Subject, "policies", ambiguous.policies)
	}
	if err != nil {
		return ExchangedToken{}, err
	}
	if best == nil {
		return ExchangedToken{}, noMatch
	}
	return s.issueExchanged(ctx, best.ID, tok.Subject, claims)
}

// choosePolicy picks, among the policies of the token's issuer and
// audience, the one whose subject and claims match with the highest role
// (the oldest among equals); nil when none matches. Matches in two
// merchants are refused: which merchant the token acts for must never
// depend on the order of rows.
func choosePolicy(policies []store.TrustPolicy, subject string, claims map[string]any) (*store.TrustPolicy, error) {
	var best *store.TrustPolicy
	merchants := map[string]bool{}
	var matched []string
	for i := range policies {
		p := &policies[i]
		if !policyMatches(p.TrustPolicy, subject, claims) {
			continue
		}
		merchants[p.MerchantID] = true
		matched = append(matched, p.MerchantID+"/"+p.ID)
		if best == nil || roleRank(p.Role) > roleRank(best.Role) ||
			(roleRank(p.Role) == roleRank(best.Role) && p.CreatedAt.Before(best.CreatedAt)) {
			best = p
		}
	}
	if len(merchants) > 1 {
		return nil, &ambiguousMatch{policies: matched, err: exchangeError(CodeInvalidGrant,
			"the token matches trust policies of %d merchants, and a token may act for one only: the merchants' admins must narrow the subject or claims of their policies, or the portal's operator remove a copy (its log names them)",
			len(merchants))}
	}
	return best, nil
}

// ambiguousMatch is the refusal of a token that policies of several
// merchants match; policies ("MERCHANT/POLICY_ID") are for the log only.
type ambiguousMatch struct {
	err      *Error
	policies []string
}

func (a *ambiguousMatch) Error() string { return a.err.Error() }
func (a *ambiguousMatch) Unwrap() error { return a.err }

func policyMatches(p jwo.TrustPolicy, subject string, claims map[string]any) bool {
	if !jwo.MatchPattern(p.Subject, subject) {
		return false
	}
	for name, pattern := range p.Claims {
		v, ok := claimText(claims[name])
		if !ok || !jwo.MatchPattern(pattern, v) {
			return false
		}
	}
	return true
}

// claimText is a claim as a pattern sees it: a string as it is, a number
// as the token writes it (json.Number, so 2^53+1 is not 2^53), a boolean
// as JSON writes it; objects, arrays and missing claims match no pattern.
func claimText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

func roleRank(r jwo.Role) int { return slices.Index(jwo.Roles, r) }

// issueExchanged stores the new token under policy id, read again in the
// write: a policy deleted meanwhile issues nothing, and a deletion that
// follows revokes the token with the others.
func (s *Service) issueExchanged(ctx context.Context, policyID, subject string, claims map[string]any) (ExchangedToken, error) {
	secret, sum, err := newTokenSecret()
	if err != nil {
		return ExchangedToken{}, err
	}
	jti, _ := claims["jti"].(string)
	var out ExchangedToken
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.TrustPolicy(ctx, policyID)
		if errors.Is(err, store.ErrNotFound) {
			return exchangeError(CodeInvalidGrant, "the trust policy that matched the token was deleted during the exchange")
		}
		if err != nil {
			return err
		}
		now := s.now()
		ttl := time.Duration(p.MaxTTL) * time.Second
		expires := now.Add(ttl)
		actor := "trust:" + p.Name + " (" + subject + ")"
		rec, err := tx.InsertToken(ctx, sum, store.Token{MerchantID: p.MerchantID, Role: p.Role, Name: actor,
			CreatedAt: now, ExpiresAt: &expires, TrustPolicyID: p.ID})
		if err != nil {
			return err
		}
		out = ExchangedToken{AccessToken: secret, ExpiresIn: ttl, Merchant: p.MerchantID, Role: p.Role, PolicyID: p.ID}
		return recordChange(ctx, tx, change{merchant: p.MerchantID, actor: actor, action: jwo.ActionTokenExchange, at: now,
			after: exchangeRecord{Token: tokenView(rec), TrustPolicyID: p.ID, Issuer: p.Issuer, Subject: subject, JTI: jti}})
	})
	return out, err
}

// exchangeRecord is the audit event's "after" of an exchange: the token as
// GET /v1/tokens shows it and what the JWT said.
type exchangeRecord struct {
	Token         jwo.Token `json:"token"`
	TrustPolicyID string    `json:"trust_policy_id"`
	Issuer        string    `json:"issuer"`
	Subject       string    `json:"subject"`
	JTI           string    `json:"jti"`
}

// newTokenSecret makes a new random token and its SHA-256, the only form
// the store keeps.
func newTokenSecret() (token string, sum []byte, err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, err
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	h := sha256.Sum256([]byte(token))
	return token, h[:], nil
}

// claimsSaid are the claims a JWT states before its signature is checked:
// enough to find its issuer's policies and keys, never to decide.
type claimsSaid struct {
	Issuer   string
	Audience []string
	Subject  string
}

func (c claimsSaid) audienceText() string {
	if len(c.Audience) == 1 {
		return c.Audience[0]
	}
	b, _ := json.Marshal(c.Audience)
	return string(b)
}

func unverifiedClaims(raw string) (claimsSaid, error) {
	jws, err := jose.ParseSignedCompact(raw, signingAlgs)
	if err != nil {
		return claimsSaid{}, fmt.Errorf("subject_token is not a JWT signed with an asymmetric key (RS256, ES256, ...): %w", err)
	}
	var c struct {
		Iss string          `json:"iss"`
		Aud json.RawMessage `json:"aud"`
		Sub string          `json:"sub"`
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &c); err != nil {
		return claimsSaid{}, fmt.Errorf("subject_token's claims are not a JSON object: %w", err)
	}
	out := claimsSaid{Issuer: c.Iss, Subject: c.Sub}
	var one string
	if err := json.Unmarshal(c.Aud, &one); err == nil {
		out.Audience = []string{one}
	} else if err := json.Unmarshal(c.Aud, &out.Audience); err != nil {
		return claimsSaid{}, errors.New("subject_token has no aud claim: request the token for the audience of the trust policy")
	}
	switch {
	case c.Iss == "":
		return claimsSaid{}, errors.New("subject_token has no iss claim")
	case len(out.Audience) == 0:
		return claimsSaid{}, errors.New("subject_token has no aud claim: request the token for the audience of the trust policy")
	case len(out.Audience) > maxAudiences:
		return claimsSaid{}, fmt.Errorf("subject_token has %d audiences; at most %d are looked at", len(out.Audience), maxAudiences)
	}
	return out, nil
}

// validateSubject: the subject is written into the audit actor.
func validateSubject(sub string) error {
	if sub == "" {
		return errors.New("the token has no sub claim")
	}
	if len(sub) > 512 {
		return fmt.Errorf("the token's sub claim is %d bytes; at most 512 are accepted", len(sub))
	}
	for _, r := range sub {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("the token's sub claim %q contains a control character", sub)
		}
	}
	return nil
}

// verifyError says why a JWT was refused, and whether the fault is the
// issuer's (unreachable, refused by the egress policy: retry later).
func verifyError(issuer string, err error) error {
	var down *issuerFailure
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &down):
		return exchangeError(CodeInvalidGrant, "the keys of issuer %q could not be fetched, so the token cannot be checked: %s; retry later, or ask the portal's operator whether the issuer is reachable", issuer, down.public)
	case errors.As(err, &expired) && expired.Expiry.Unix() <= 0:
		// go-oidc reads a missing exp as the zero time: expired.
		return exchangeError(CodeInvalidGrant, "the token has no exp claim: the portal accepts only tokens that expire, as OpenID Connect's ID tokens do")
	case errors.As(err, &expired):
		return exchangeError(CodeInvalidGrant, "the token expired at %s (exp): request a new one from the CI", expired.Expiry.UTC().Format(time.RFC3339))
	}
	return exchangeError(CodeInvalidGrant, "the token does not verify against issuer %q: %v", issuer, err)
}

func exchangeError(code, format string, a ...any) *Error {
	k := KindBadCredentials
	if code == CodeInvalidRequest {
		k = KindBadRequest
	}
	e := newError(k, format, a...)
	e.Code = code
	return e
}
