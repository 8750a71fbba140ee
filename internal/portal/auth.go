package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// tokenPrefix marks the portal's tokens so that secret scanners and people
// recognise one.
const tokenPrefix = "jwo_"

// principal is who is calling: the token's merchant, role and name. key
// identifies the token for rate limiting without keeping the token itself
// (the hex of its digest). via is the front end the call came through.
type principal struct {
	merchant string
	role     jwo.Role
	name     string
	key      string
	via      string
	tokenID  string // public id of the token, for the token calls
}

// actor is how the audit log names the caller: the token's name, and the
// front end when it is not the plain API.
func (pr principal) actor() string {
	if pr.via == "" {
		return pr.name
	}
	return pr.name + viaSuffix + pr.via
}

type principalKey struct{}

func withPrincipal(ctx context.Context, pr principal) context.Context {
	return context.WithValue(ctx, principalKey{}, pr)
}

func principalFrom(ctx context.Context) principal {
	pr, _ := ctx.Value(principalKey{}).(principal)
	return pr
}

const authRealm = `Bearer realm="jwo-portal"`

func unauthorized(tokenGiven bool, detail string) *apiError {
	challenge := authRealm
	if tokenGiven {
		challenge += `, error="invalid_token"`
	}
	e := newError(http.StatusUnauthorized, "unauthorized", "%s", detail)
	e.header = http.Header{"Www-Authenticate": {challenge}}
	return e
}

// authenticate finds the token of the request. The token is hashed at once
// and never leaves this function otherwise.
func (p *Portal) authenticate(r *http.Request) (principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return principal{}, unauthorized(false, "no token: send Authorization: Bearer <token>")
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return principal{}, unauthorized(true, "the Authorization header is not of the form Bearer <token>")
	}
	pr, err := p.authenticateToken(r.Context(), token)
	if err != nil {
		return principal{}, err
	}
	requestInfoFrom(r.Context()).actor = pr.name
	return pr, nil
}

// authenticateToken checks a token, however it was presented (a header, the
// console's sign-in form).
func (p *Portal) authenticateToken(ctx context.Context, token string) (principal, error) {
	if token == "" {
		return principal{}, unauthorized(false, "no token: paste the token that jwo-portal token create printed")
	}
	sum := sha256.Sum256([]byte(token))
	return p.authenticateDigest(ctx, hex.EncodeToString(sum[:]))
}

// authenticateDigest is the one check of a token, by the hex of its SHA-256
// digest: the API checks every request with it, and the console every
// request of a session, so a token that stops being valid stops both.
func (p *Portal) authenticateDigest(ctx context.Context, key string) (principal, error) {
	sum, err := hex.DecodeString(key)
	if err != nil || len(sum) != sha256.Size {
		return principal{}, unauthorized(true, "the token is unknown: create one with jwo-portal token create")
	}
	tok, err := p.db.LookupToken(ctx, sum)
	if errors.Is(err, store.ErrNotFound) {
		return principal{}, unauthorized(true, "the token is unknown: create one with jwo-portal token create")
	}
	if err != nil {
		return principal{}, err
	}
	if err := p.tokenUsable(tok); err != nil {
		return principal{}, err
	}
	p.tokenUse.touch(tok.ID, p.now())
	return principal{merchant: tok.MerchantID, role: tok.Role, name: tok.Name, key: key, tokenID: tok.ID}, nil
}

// requireConnectorWriter and requireAdmin run after the store has been
// found in the caller's merchant, so that another merchant's store is 404
// for everyone and a forbidden write on one's own store is 403.
func requireConnectorWriter(pr principal) error {
	if !pr.role.CanWriteConnectors() {
		return forbidden("role %s may read only; changing connectors and running tests needs the operator or admin role", pr.role)
	}
	return nil
}

func requireAdmin(pr principal, what string) error {
	if !pr.role.CanAdminister() {
		return forbidden("role %s may not %s; that needs the admin role", pr.role, what)
	}
	return nil
}

// validateTokenName: the name is the actor in audit events and logs, so it
// must be printable and short.
func validateTokenName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return fmt.Errorf("token name must be 1 to 100 characters")
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("token name %q contains a control character", name)
		}
	}
	return nil
}

func isUnauthorized(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.status == http.StatusUnauthorized
}
