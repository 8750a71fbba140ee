package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

// The bounds of the portal's calls to an OpenID Connect issuer. An issuer
// is named by a tenant's trust policy, so it is treated like a connector:
// the egress policy decides where the portal may connect, and a slow or
// huge answer costs the exchange that waits for it, never the portal.
const (
	// issuerTimeout bounds one fetch (discovery or keys), connect to last byte.
	issuerTimeout = 5 * time.Second
	// issuerMaxBody caps a discovery document or key set; real ones are a
	// few KiB.
	issuerMaxBody = 256 << 10
	// keyRefetchInterval: a token signed with a key the cached set does not
	// have refetches the set at most this often per issuer, so a stream of
	// made-up key ids cannot make the portal hammer an issuer.
	keyRefetchInterval = time.Minute
	// discoveryMaxAge: how long a discovery document is trusted before it
	// is fetched again (where the keys live changes rarely).
	discoveryMaxAge = time.Hour
	// issuerFailureHold: a failed fetch is answered from memory for this
	// long, so that exchanges queued behind an issuer that hangs fail at
	// once instead of each waiting out the timeout again.
	issuerFailureHold = 10 * time.Second
	// clockSkew is what exp, nbf and iat may be off by between the issuer's
	// clock and the portal's.
	clockSkew = time.Minute
)

// signingAlgs are the JWS algorithms a subject token may use: asymmetric
// only. "none" and the HMAC algorithms are refused before any key is
// looked at, so a token "signed" with an issuer's public key as an HMAC
// secret never reaches a verification.
var signingAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512, jose.EdDSA,
}

// issuerFailure is an error of the issuer's side (unreachable, refused by
// the egress policy, a bad answer), as opposed to one of the token. public
// is what the exchange's caller may read of it (issuerFailureText).
type issuerFailure struct {
	err    error
	public string
}

func (e *issuerFailure) Error() string { return e.err.Error() }
func (e *issuerFailure) Unwrap() error { return e.err }

// unresolvableText is what the caller of an exchange reads when the egress
// policy or the resolver stopped a fetch of the issuer: the same words
// whatever the resolver answered, as the tester's for a connector (issue
// 22, point 3). The token endpoint needs no token, and an admin of any
// merchant can name any host as an issuer, so naming the address ("10.20.30.40
// is a private address") or the lookup's failure would map the portal's
// internal DNS for anyone. The cause goes to the portal's log.
const unresolvableText = "the host %s has no address the portal may call: the name has no address, its lookup failed, " +
	"or every address it has is one the egress policy refuses (private, loopback, link-local or reserved networks, " +
	"or one the operator denies); the portal's log has the cause"

// issuerFailureText is err, a failed fetch of target (what, e.g. "its keys
// at URL"), as the exchange's caller may read it.
func issuerFailureText(what, target string, err error) string {
	if !tester.Unresolvable(err) {
		return what + ": " + err.Error()
	}
	host := target
	if u, perr := url.Parse(target); perr == nil && u.Host != "" {
		host = u.Hostname()
	}
	return what + ": " + fmt.Sprintf(unresolvableText, host)
}

// issuers caches, per issuer URL, the discovery document and the key set.
type issuers struct {
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
	// policy says whether a jwks_uri may be http (on loopback, Dev only).
	policy jwo.EndpointPolicy

	mu     sync.Mutex
	byName map[string]*issuer
}

func newIssuers(client *http.Client, now func() time.Time, log *slog.Logger, policy jwo.EndpointPolicy) *issuers {
	return &issuers{client: client, now: now, log: log, policy: policy, byName: map[string]*issuer{}}
}

func (is *issuers) get(name string) *issuer {
	is.mu.Lock()
	defer is.mu.Unlock()
	iss, ok := is.byName[name]
	if !ok {
		iss = &issuer{name: name, set: is, lock: make(chan struct{}, 1)}
		is.byName[name] = iss
	}
	return iss
}

// verify checks rawJWT's signature with the issuer's keys and its iss,
// aud (audience), exp, nbf and iat with clockSkew, and answers its claims.
func (is *issuers) verify(ctx context.Context, name, audience, rawJWT string) (*oidc.IDToken, map[string]any, error) {
	iss := is.get(name)
	algs, err := iss.discover(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := iss.ensureKey(ctx, rawJWT); err != nil {
		return nil, nil, err
	}
	v := oidc.NewVerifier(name, iss, &oidc.Config{
		ClientID:             audience,
		SupportedSigningAlgs: algs,
		// go-oidc compares exp with no leeway: look from skew earlier.
		Now: func() time.Time { return is.now().Add(-clockSkew) },
	})
	tok, err := v.Verify(ctx, rawJWT)
	if err != nil {
		return nil, nil, err
	}
	claims, err := claimsAsWritten(tok)
	if err != nil {
		return nil, nil, err
	}
	// go-oidc allows nbf five minutes ahead and does not look at iat; a
	// token from the future is refused here within the same skew as exp.
	limit := is.now().Add(clockSkew)
	if nbf, ok := numericDate(claims["nbf"]); ok && nbf.After(limit) {
		return nil, nil, fmt.Errorf("the token is not valid before %s (nbf)", nbf.UTC().Format(time.RFC3339))
	}
	if iat, ok := numericDate(claims["iat"]); ok && iat.After(limit) {
		return nil, nil, fmt.Errorf("the token was issued in the future, at %s (iat): check the issuer's clock", iat.UTC().Format(time.RFC3339))
	}
	return tok, claims, nil
}

// claimsAsWritten are the token's claims with every number as the token
// writes it (json.Number): read as float64, two integers above 2^53 would
// be one, and a claim pattern would match a value the token does not have.
func claimsAsWritten(tok *oidc.IDToken) (map[string]any, error) {
	var raw json.RawMessage
	if err := tok.Claims(&raw); err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var claims map[string]any
	if err := d.Decode(&claims); err != nil {
		return nil, err
	}
	return claims, nil
}

func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

// issuer is one issuer's cached discovery and keys. lock (a channel, so a
// waiter can give up with its context) is held while it fetches.
type issuer struct {
	name string
	set  *issuers
	lock chan struct{}

	// Guarded by lock.
	jwksURL      string
	algs         []string
	discovered   time.Time
	keys         []jose.JSONWebKey
	keysFetched  time.Time // the last fetch of the keys, failed or not
	failure      error
	failureUntil time.Time
}

func (iss *issuer) acquire(ctx context.Context) error {
	select {
	case iss.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		err := fmt.Errorf("gave up waiting for another exchange's call to the issuer: %w", ctx.Err())
		return &issuerFailure{err: err, public: err.Error()}
	}
}

func (iss *issuer) release() { <-iss.lock }

// discover answers the signing algorithms of the issuer, fetching its
// discovery document when it has none younger than discoveryMaxAge.
func (iss *issuer) discover(ctx context.Context) ([]string, error) {
	if err := iss.acquire(ctx); err != nil {
		return nil, err
	}
	defer iss.release()
	now := iss.set.now()
	if iss.jwksURL != "" && now.Sub(iss.discovered) < discoveryMaxAge {
		return iss.algs, nil
	}
	if iss.failure != nil && now.Before(iss.failureUntil) {
		return nil, iss.failure
	}
	p, err := oidc.NewProvider(iss.clientContext(ctx), iss.name)
	if err != nil {
		doc := trimSlash(iss.name) + "/.well-known/openid-configuration"
		return nil, iss.failed(now, "its discovery document "+doc, doc, err)
	}
	var doc struct {
		JWKSURL string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := p.Claims(&doc); err != nil || doc.JWKSURL == "" {
		return nil, iss.failed(now, "its discovery document", iss.name, errors.New("it names no jwks_uri"))
	}
	if err := jwo.ValidateKeySetURL(doc.JWKSURL, iss.set.policy); err != nil {
		return nil, iss.failed(now, "its discovery document", iss.name, err)
	}
	var algs []string
	for _, a := range doc.Algs {
		if slices.Contains(signingAlgs, jose.SignatureAlgorithm(a)) {
			algs = append(algs, a)
		}
	}
	if len(algs) == 0 {
		// Discovery makes the list optional; RS256 is the one OpenID
		// Connect requires, ES256 what many issuers add.
		algs = []string{string(jose.RS256), string(jose.ES256)}
	}
	if doc.JWKSURL != iss.jwksURL {
		iss.keys, iss.keysFetched = nil, time.Time{}
	}
	iss.jwksURL, iss.algs, iss.discovered, iss.failure = doc.JWKSURL, algs, now, nil
	return algs, nil
}

// failed remembers a failed fetch of target for issuerFailureHold and logs
// its cause, which the exchange's caller may not read in full: once per
// hold, however many exchanges meet it.
func (iss *issuer) failed(now time.Time, what, target string, err error) error {
	iss.failure = &issuerFailure{err: fmt.Errorf("%s: %w", what, err), public: issuerFailureText(what, target, err)}
	iss.failureUntil = now.Add(issuerFailureHold)
	iss.set.log.Warn("token exchange: a fetch from an OpenID Connect issuer failed", "issuer", iss.name, "error", iss.failure.Error())
	return iss.failure
}

// ensureKey makes sure the cached keys hold the key of rawJWT's kid,
// refetching the issuer's keys for a kid they do not have at most once
// per keyRefetchInterval. A token that is not an asymmetrically signed JWS
// is refused here, before any fetch.
func (iss *issuer) ensureKey(ctx context.Context, rawJWT string) error {
	jws, err := jose.ParseSignedCompact(rawJWT, signingAlgs)
	if err != nil {
		return fmt.Errorf("the token is not a JWT signed with one of %v: %w", signingAlgs, err)
	}
	if len(jws.Signatures) != 1 {
		return errors.New("the token must carry exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	if err := iss.acquire(ctx); err != nil {
		return err
	}
	defer iss.release()
	if hasKey(iss.keys, kid) {
		return nil
	}
	now := iss.set.now()
	if iss.keysFetched.IsZero() || now.Sub(iss.keysFetched) >= keyRefetchInterval {
		if iss.failure != nil && now.Before(iss.failureUntil) {
			return iss.failure
		}
		if err := iss.fetchKeys(ctx); err != nil {
			return iss.failed(now, "its keys at "+iss.jwksURL, iss.jwksURL, err)
		}
		iss.keysFetched, iss.failure = now, nil
	}
	if !hasKey(iss.keys, kid) {
		return fmt.Errorf("the issuer's keys (fetched at %s) have no key %q; they are fetched again at most once a minute",
			iss.keysFetched.UTC().Format(time.RFC3339), kid)
	}
	return nil
}

// VerifySignature is go-oidc's KeySet: it checks the JWS with the cached
// keys of its kid (ensureKey fetched them).
func (iss *issuer) VerifySignature(ctx context.Context, rawJWT string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(rawJWT, signingAlgs)
	if err != nil {
		return nil, err
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("the token must carry exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	if err := iss.acquire(ctx); err != nil {
		return nil, err
	}
	keys := iss.keys
	iss.release()
	for _, k := range keys {
		if (kid == "" || k.KeyID == kid) && k.Use != "enc" {
			if payload, err := jws.Verify(&k); err == nil {
				return payload, nil
			}
		}
	}
	return nil, fmt.Errorf("the signature does not verify with the issuer's key %q", kid)
}

func hasKey(keys []jose.JSONWebKey, kid string) bool {
	if kid == "" {
		return len(keys) > 0
	}
	return slices.ContainsFunc(keys, func(k jose.JSONWebKey) bool { return k.KeyID == kid })
}

func (iss *issuer) fetchKeys(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, iss.jwksURL, nil)
	if err != nil {
		return err
	}
	resp, err := iss.set.client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, k := range set.Keys {
		if k.Valid() && k.IsPublic() {
			keys = append(keys, k)
		}
	}
	iss.keys = keys
	return nil
}

// clientContext makes go-oidc's discovery use the egress-policed client.
func (iss *issuer) clientContext(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, iss.set.client)
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// cappedTransport fails a read past max bytes of an answer's body, so that
// an issuer answering a gigabyte costs the portal max bytes.
type cappedTransport struct {
	next http.RoundTripper
	max  int64
}

func (t cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: t.max, max: t.max}
	return resp, nil
}

type cappedBody struct {
	io.ReadCloser
	left, max int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the cap from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("the answer is larger than %d KiB", b.max>>10)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
