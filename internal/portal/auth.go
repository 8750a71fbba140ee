package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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
// identifies the token for rate limiting without keeping the token itself.
type principal struct {
	merchant string
	role     jwo.Role
	name     string
	key      string
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
	sum := sha256.Sum256([]byte(token))
	tok, err := p.db.LookupToken(r.Context(), sum[:])
	if errors.Is(err, store.ErrNotFound) {
		return principal{}, unauthorized(true, "the token is unknown: create one with jwo-portal token create")
	}
	if err != nil {
		return principal{}, err
	}
	requestInfoFrom(r.Context()).actor = tok.Name
	return principal{merchant: tok.MerchantID, role: tok.Role, name: tok.Name, key: hex.EncodeToString(sum[:])}, nil
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

// CreateToken makes a new random token for one merchant and role, stores only
// its hash, and returns the token. Safe while a server runs on the same file.
func CreateToken(ctx context.Context, dbPath, merchant string, role jwo.Role, name string) (string, error) {
	if err := validateMerchantID(merchant); err != nil {
		return "", err
	}
	role, err := jwo.ParseRole(string(role))
	if err != nil {
		return "", err
	}
	if err := validateTokenName(name); err != nil {
		return "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(token))

	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return "", err
	}
	defer func() { _ = db.Close() }()
	now := store.Now()
	err = db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.EnsureMerchant(ctx, merchant, now); err != nil {
			return err
		}
		return tx.InsertToken(ctx, sum[:], store.Token{MerchantID: merchant, Role: role, Name: name, CreatedAt: now})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// validateMerchantID keeps merchant ids to the same safe alphabet as store
// ids: they appear in logs and in seed files.
func validateMerchantID(id string) error {
	if err := jwo.ValidateStoreID(id); err != nil {
		return fmt.Errorf("merchant id %q is invalid: use 1 to 255 letters, digits, '_' or '-'", id)
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

// connectorWriteTarget resolves the store and method of a connector write and
// checks the caller's role, in that order: another merchant's store must
// answer 404 before a viewer's 403 could tell that it exists.
func (p *Portal) connectorWriteTarget(r *http.Request) (principal, string, jwo.Method, error) {
	pr := principalFrom(r.Context())
	id := r.PathValue("store_id")
	m, err := pathMethod(r)
	if err != nil {
		return pr, "", "", err
	}
	if _, err := p.findStore(r.Context(), pr.merchant, id); err != nil {
		return pr, "", "", err
	}
	if err := requireConnectorWriter(pr); err != nil {
		return pr, "", "", err
	}
	return pr, id, m, nil
}
