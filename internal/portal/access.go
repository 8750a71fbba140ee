package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// principal is who is calling: the token's merchant, role and name. key is
// the hex of the token's digest (what a console session keeps instead of
// the token). via is the front end the call came through.
type principal struct {
	merchant string
	role     jwo.Role
	name     string
	key      string
	via      string
	tokenID  string
}

// actor is how the audit log names the caller: the token's name, and the
// front end when it is not the plain API. The front end comes from the
// User-Agent or the console, never from the name: new names cannot hold
// " via " (jwo.ValidateTokenName), and a name from before that rule that
// does is quoted, so that ActorVia never reads a front end out of it.
func (pr principal) actor() string {
	name := pr.name
	if jwo.HoldsActorSeparator(name) {
		name = strconv.Quote(name)
	}
	if pr.via == "" {
		return name
	}
	return name + jwo.ActorSeparator + pr.via
}

// change is a save by the caller at at, through its front end.
func (c Caller) change(at time.Time) jwo.Change {
	via := jwo.ChangedViaAPI
	switch c.pr.via {
	case ViaTerraform:
		via = jwo.ChangedViaTerraform
	case ViaConsole:
		via = jwo.ChangedViaConsole
	}
	return jwo.Change{At: at, By: c.pr.name, Via: via}
}

// Authenticate checks a token, however it was presented (an Authorization
// header, the console's sign-in form), and answers the caller it stands
// for, acting through via. The token is hashed at once and forgotten.
func (s *Service) Authenticate(ctx context.Context, token, via string) (Caller, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Caller{}, newError(KindNoCredentials, "no token: paste the token that jwo-portal token create printed")
	}
	sum := sha256.Sum256([]byte(token))
	pr, err := s.authenticateDigest(ctx, hex.EncodeToString(sum[:]))
	if err != nil {
		return Caller{}, err
	}
	pr.via = via
	return Caller{pr: pr}, nil
}

// authenticateDigest is the one check of a token, by the hex of its SHA-256
// digest: the API checks every request with it, and the console every
// request of a session, so a token that stops being valid stops both.
func (s *Service) authenticateDigest(ctx context.Context, key string) (principal, error) {
	unknown := newError(KindBadCredentials, "the token is unknown: create one with jwo-portal token create")
	sum, err := hex.DecodeString(key)
	if err != nil || len(sum) != sha256.Size {
		return principal{}, unknown
	}
	tok, err := s.db.LookupToken(ctx, sum)
	if errors.Is(err, store.ErrNotFound) {
		return principal{}, unknown
	}
	if err != nil {
		return principal{}, err
	}
	if err := s.tokenUsable(tok); err != nil {
		return principal{}, err
	}
	s.tokenUse.touch(tok.ID, s.now())
	return principal{merchant: tok.MerchantID, role: tok.Role, name: tok.Name, key: key, tokenID: tok.ID}, nil
}

// tokenUsable refuses a revoked or expired token with a detail that says
// which, so its holder knows to ask for a new one rather than retry.
func (s *Service) tokenUsable(t store.Token) error {
	if t.RevokedAt != nil {
		return newError(KindBadCredentials, "the token %s was revoked at %s: ask an admin of the merchant for a new one",
			t.ID, t.RevokedAt.UTC().Format(time.RFC3339))
	}
	if t.ExpiresAt != nil && !s.now().Before(*t.ExpiresAt) {
		if t.TrustPolicyID != "" {
			// CI's token: the fix is another exchange, never a static token.
			return newError(KindBadCredentials, "the token %s, exchanged under a trust policy, expired at %s: exchange a new OpenID Connect token at POST /v1/oauth/token (the provider renews before the end by itself)",
				t.ID, t.ExpiresAt.UTC().Format(time.RFC3339))
		}
		return newError(KindBadCredentials, "the token %s expired at %s: create a new one with jwo-portal token create",
			t.ID, t.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// Write is a kind of change a caller may or may not make, for CheckWrite.
type Write int

// The writes whose role a caller must have.
const (
	// WriteConnectors: save and delete connectors, start connectivity runs.
	WriteConnectors Write = iota + 1
	// WriteStore: create and change stores.
	WriteStore
	// WriteCatalog: change a store's catalog.
	WriteCatalog
	// WriteTrustPolicies: create and delete the merchant's trust policies
	// (no store: CheckWrite takes "").
	WriteTrustPolicies
)

// allows refuses a caller whose role may not make the write.
func (w Write) allows(c Caller) error {
	role := c.pr.role
	switch w {
	case WriteConnectors:
		if !role.CanWriteConnectors() {
			return forbidden("role %s may read only; changing connectors and running tests needs the operator or admin role", role)
		}
		return nil
	case WriteStore:
		return requireAdmin(c, "change stores")
	case WriteCatalog:
		return requireAdmin(c, "change the catalog")
	case WriteTrustPolicies:
		return requireAdmin(c, "change trust policies")
	}
	return fmt.Errorf("portal: unknown write %d", w)
}

func requireAdmin(c Caller, what string) error {
	if !c.pr.role.CanAdminister() {
		return forbidden("role %s may not %s; that needs the admin role", c.pr.role, what)
	}
	return nil
}

// storeFor is the one authorization step of a call on a store: it reads the
// store in the caller's merchant, then checks the caller's role for w (0
// for a read). A store the caller cannot see is 404 for every role, before
// any 403, so that a refusal tells nothing about other merchants' stores;
// a write calls it inside its own transaction, so the store is read once.
func storeFor(ctx context.Context, tx *store.Tx, c Caller, id string, w Write) (jwo.StoreProfile, error) {
	if err := jwo.ValidateStoreID(id); err != nil {
		// No store can have such an id, so none is found: 404, as for any
		// store the caller cannot see (and as the OpenAPI document says).
		return jwo.StoreProfile{}, notFound("%v", err)
	}
	prof, err := tx.Store(ctx, c.pr.merchant, id)
	if errors.Is(err, store.ErrNotFound) {
		return jwo.StoreProfile{}, notFound("store %q does not exist", id)
	}
	if err != nil {
		return jwo.StoreProfile{}, err
	}
	if w != 0 {
		if err := w.allows(c); err != nil {
			return jwo.StoreProfile{}, err
		}
	}
	return prof, nil
}

// CheckWrite answers, without writing, what a write w on the store would
// answer for the caller's access (404, then 403; storeID "" for a store
// not yet created): a front end that cannot read a request's input calls it
// so that a refused write is refused whatever it carries.
func (s *Service) CheckWrite(ctx context.Context, c Caller, storeID string, w Write) error {
	if storeID == "" && w == WriteStore {
		return requireAdmin(c, "create stores")
	}
	if w == WriteTrustPolicies {
		return w.allows(c)
	}
	return s.db.Read(ctx, func(tx *store.Tx) error {
		_, err := storeFor(ctx, tx, c, storeID, w)
		return err
	})
}
