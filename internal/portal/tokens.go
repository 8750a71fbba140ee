package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Actors of the token events that the jwo-portal command writes: it acts on
// the database file directly, with no token of its own.
const (
	cliCreateActor = "jwo-portal token create"
	cliRevokeActor = "jwo-portal token revoke"
)

// maxTokenLifetime bounds --expires-in: ten years is "never" in practice,
// and a typo of extra digits must not overflow a time.
const maxTokenLifetime = 10 * 365 * 24 * time.Hour

// TokenSpec is a token to create.
type TokenSpec struct {
	Merchant  string
	Role      jwo.Role
	Name      string
	ExpiresIn time.Duration // 0: never expires
}

// TokenListing is one line of `jwo-portal token list`: a token and the
// merchant it acts for.
type TokenListing struct {
	Merchant string
	jwo.Token
}

// CreateToken makes a token that never expires; see IssueToken.
func CreateToken(ctx context.Context, dbPath, merchant string, role jwo.Role, name string) (string, error) {
	token, _, err := IssueToken(ctx, dbPath, TokenSpec{Merchant: merchant, Role: role, Name: name})
	return token, err
}

// IssueToken makes a new random token, stores only its hash and records the
// creation in the merchant's audit log. It returns the token, which cannot
// be shown again, and what the token lists show of it. Safe while a server
// runs on the same database.
func IssueToken(ctx context.Context, dbPath string, spec TokenSpec) (string, jwo.Token, error) {
	if err := jwo.ValidateMerchantID(spec.Merchant); err != nil {
		return "", jwo.Token{}, err
	}
	role, err := jwo.ParseRole(string(spec.Role))
	if err != nil {
		return "", jwo.Token{}, err
	}
	if err := validateTokenName(spec.Name); err != nil {
		return "", jwo.Token{}, err
	}
	if spec.ExpiresIn < 0 || spec.ExpiresIn > maxTokenLifetime {
		return "", jwo.Token{}, fmt.Errorf("expiry %s is out of range: give a positive duration up to %s, e.g. 720h, or none for a token that never expires",
			spec.ExpiresIn, maxTokenLifetime)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", jwo.Token{}, err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(token))

	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return "", jwo.Token{}, err
	}
	defer func() { _ = db.Close() }()
	now := store.Now()
	rec := store.Token{MerchantID: spec.Merchant, Role: role, Name: spec.Name, CreatedAt: now}
	if spec.ExpiresIn > 0 {
		at := now.Add(spec.ExpiresIn).Truncate(time.Millisecond)
		rec.ExpiresAt = &at
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.EnsureMerchant(ctx, spec.Merchant, now); err != nil {
			return err
		}
		if rec, err = tx.InsertToken(ctx, sum[:], rec); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: spec.Merchant, actor: cliCreateActor, action: jwo.ActionTokenCreate,
			after: tokenView(rec), at: now})
	})
	if err != nil {
		return "", jwo.Token{}, err
	}
	return token, tokenView(rec), nil
}

// ListTokens lists the tokens of one merchant ("" for every merchant) that
// are not revoked, oldest first, for `jwo-portal token list`. Last use is as
// the serving portals last wrote it (see tokenUse).
func ListTokens(ctx context.Context, dbPath, merchant string) ([]TokenListing, error) {
	if merchant != "" {
		if err := jwo.ValidateMerchantID(merchant); err != nil {
			return nil, err
		}
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	defer func() { _ = db.Close() }()
	var out []TokenListing
	err = db.Read(ctx, func(tx *store.Tx) error {
		toks, err := tx.Tokens(ctx, merchant)
		for _, t := range toks {
			if t.RevokedAt == nil {
				out = append(out, TokenListing{Merchant: t.MerchantID, Token: tokenView(t)})
			}
		}
		return err
	})
	return out, err
}

// RevokeToken revokes a token by its id, in whichever merchant, for
// `jwo-portal token revoke`. A serving portal refuses the token from its
// next request on: every request reads the token's row.
func RevokeToken(ctx context.Context, dbPath, id string) (TokenListing, error) {
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return TokenListing{}, err
	}
	defer func() { _ = db.Close() }()
	var tok store.Token
	err = db.Write(ctx, func(tx *store.Tx) error {
		var err error
		tok, err = revoke(ctx, tx, "", id, cliRevokeActor, store.Now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return TokenListing{}, fmt.Errorf("no token has the id %q: `jwo-portal token list` shows the ids", id)
	}
	return TokenListing{Merchant: tok.MerchantID, Token: tokenView(tok)}, err
}

// revoke revokes token id, of merchant when it is not "", and records it.
// A token already revoked, or of another merchant, is ErrNotFound.
func revoke(ctx context.Context, tx *store.Tx, merchant, id, actor string, now time.Time) (store.Token, error) {
	tok, err := tx.TokenByID(ctx, id)
	if err != nil {
		return store.Token{}, err
	}
	if (merchant != "" && tok.MerchantID != merchant) || tok.RevokedAt != nil {
		return store.Token{}, store.ErrNotFound
	}
	if _, err := tx.RevokeToken(ctx, id, now); err != nil {
		return store.Token{}, err
	}
	return tok, recordChange(ctx, tx, change{merchant: tok.MerchantID, actor: actor, action: jwo.ActionTokenRevoke,
		before: tokenView(tok), at: now})
}

func tokenView(t store.Token) jwo.Token {
	return jwo.Token{ID: t.ID, Name: t.Name, Role: t.Role, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, ExpiresAt: t.ExpiresAt}
}

// tokenUsable refuses a revoked or expired token with a detail that says
// which, so its holder knows to ask for a new one rather than retry.
func (p *Portal) tokenUsable(t store.Token) error {
	if t.RevokedAt != nil {
		return unauthorized(true, fmt.Sprintf("the token %s was revoked at %s: ask an admin of the merchant for a new one",
			t.ID, t.RevokedAt.UTC().Format(time.RFC3339)))
	}
	if t.ExpiresAt != nil && !p.now().Before(*t.ExpiresAt) {
		return unauthorized(true, fmt.Sprintf("the token %s expired at %s: create a new one with jwo-portal token create",
			t.ID, t.ExpiresAt.UTC().Format(time.RFC3339)))
	}
	return nil
}
