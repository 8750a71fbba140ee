package portaltest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Issuer is a real OpenID Connect issuer on loopback: a discovery document
// and a JWKS, with RS256 and ES256 keys that tests sign tokens with, rotate,
// slow down or make misbehave.
type Issuer struct {
	URL string
	t   testing.TB

	mu      sync.Mutex
	keys    map[string]signingKey // kid -> key, the ones the JWKS publishes
	current map[jose.SignatureAlgorithm]string
	n       int
	jwksURI string // the discovery document's jwks_uri; "" is URL/keys
	// Fetches counts GETs of the JWKS; Discoveries those of the document.
	Fetches, Discoveries atomic.Int64
	// Hang, when set, makes every answer wait for the request to end;
	// Huge makes the JWKS a 1 MiB answer.
	Hang, Huge atomic.Bool
}

type signingKey struct {
	alg jose.SignatureAlgorithm
	key any // *rsa.PrivateKey or *ecdsa.PrivateKey
}

// StartIssuer serves an issuer on loopback with one RS256 and one ES256 key.
func StartIssuer(t testing.TB) *Issuer {
	t.Helper()
	is := &Issuer{t: t, keys: map[string]signingKey{}, current: map[jose.SignatureAlgorithm]string{}}
	is.Rotate(jose.RS256)
	is.Rotate(jose.ES256)
	srv := Serve(t, http.HandlerFunc(is.serve))
	is.URL = srv.URL
	return is
}

// Rotate publishes a new key for alg and signs with it from now on; the
// old one stays published (a rotation keeps both for a while). It returns
// the new key's id.
func (is *Issuer) Rotate(alg jose.SignatureAlgorithm) string {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.n++
	kid := fmt.Sprintf("%s-%d", strings.ToLower(string(alg)), is.n)
	var k any
	var err error
	switch alg {
	case jose.RS256:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case jose.ES256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		is.t.Fatalf("issuer: no key for %s", alg)
	}
	if err != nil {
		is.t.Fatal(err)
	}
	is.keys[kid] = signingKey{alg: alg, key: k}
	is.current[alg] = kid
	return kid
}

// SetJWKSURI makes the discovery document name uri as where the keys are
// ("" for URL/keys, the default). The issuer serves its keys at /keys of
// whatever host a request names.
func (is *Issuer) SetJWKSURI(uri string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.jwksURI = uri
}

// Unpublish removes a key from the JWKS (its tokens stop verifying once the
// portal fetches the keys again).
func (is *Issuer) Unpublish(kid string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	delete(is.keys, kid)
}

// Claims are a token's claims: GitHub Actions' shape, valid for five minutes.
func (is *Issuer) Claims(audience, subject string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": is.URL, "aud": audience, "sub": subject, "jti": fmt.Sprintf("jti-%d", now.UnixNano()),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"repository": "acme/infra", "ref": "refs/heads/main", "event_name": "push",
	}
}

// Sign signs claims with the current key of alg.
func (is *Issuer) Sign(alg jose.SignatureAlgorithm, claims map[string]any) string {
	is.mu.Lock()
	kid := is.current[alg]
	k := is.keys[kid]
	is.mu.Unlock()
	return SignJWT(is.t, alg, k.key, kid, claims)
}

// SignJWT signs claims with key as alg, kid in the header ("" for none).
func SignJWT(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// PrivateKey is the current signing key of alg.
func (is *Issuer) PrivateKey(alg jose.SignatureAlgorithm) any {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.keys[is.current[alg]].key
}

// KeyID is the kid of the current key of alg.
func (is *Issuer) KeyID(alg jose.SignatureAlgorithm) string {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.current[alg]
}

// PublicKey is the public key of the current key of alg.
func (is *Issuer) PublicKey(alg jose.SignatureAlgorithm) any {
	is.mu.Lock()
	defer is.mu.Unlock()
	switch k := is.keys[is.current[alg]].key.(type) {
	case *rsa.PrivateKey:
		return &k.PublicKey
	case *ecdsa.PrivateKey:
		return &k.PublicKey
	}
	return nil
}

func (is *Issuer) serve(w http.ResponseWriter, r *http.Request) {
	if is.Hang.Load() {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		is.Discoveries.Add(1)
		is.mu.Lock()
		jwksURI := is.jwksURI
		is.mu.Unlock()
		if jwksURI == "" {
			jwksURI = is.URL + "/keys"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": is.URL, "jwks_uri": jwksURI,
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
		})
	case "/moved-keys":
		// A key set that moved: the portal follows no redirect.
		http.Redirect(w, r, "/keys", http.StatusFound)
	case "/keys":
		is.Fetches.Add(1)
		if is.Huge.Load() {
			_, _ = w.Write([]byte(`{"keys":[],"padding":"` + strings.Repeat("x", 1<<20) + `"}`))
			return
		}
		is.mu.Lock()
		var set jose.JSONWebKeySet
		for kid, k := range is.keys {
			var pub any
			switch k := k.key.(type) {
			case *rsa.PrivateKey:
				pub = &k.PublicKey
			case *ecdsa.PrivateKey:
				pub = &k.PublicKey
			}
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: pub, KeyID: kid, Algorithm: string(k.alg), Use: "sig"})
		}
		is.mu.Unlock()
		_ = json.NewEncoder(w).Encode(set)
	default:
		http.NotFound(w, r)
	}
}
