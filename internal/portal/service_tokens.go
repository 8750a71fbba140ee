package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Tokens lists the caller's merchant's tokens that are not revoked, oldest
// first; admin only. Last use includes what this portal has seen and not
// written yet.
func (s *Service) Tokens(ctx context.Context, c Caller) ([]jwo.Token, error) {
	if err := requireAdmin(c, "list tokens"); err != nil {
		return nil, err
	}
	out := []jwo.Token{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		toks, err := tx.Tokens(ctx, c.pr.merchant)
		for _, t := range toks {
			if t.RevokedAt != nil || s.spentExchange(t) {
				continue
			}
			if at, ok := s.tokenUse.latest(t.ID); ok && (t.LastUsedAt == nil || at.After(*t.LastUsedAt)) {
				t.LastUsedAt = &at
			}
			out = append(out, tokenView(t))
		}
		return err
	})
	return out, err
}

// RevokeToken revokes one of the caller's merchant's tokens; admin only.
// Every request authenticates against the database, so the token is refused
// from the next request on, by this portal and every other on the database,
// and the console sessions made from it end with it. A token of another
// merchant, or one revoked already, is 404.
func (s *Service) RevokeToken(ctx context.Context, c Caller, id string) error {
	if err := requireAdmin(c, "revoke tokens"); err != nil {
		return err
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := revoke(ctx, tx, c.pr.merchant, id, c.pr.actor(), s.now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound("the merchant has no token %q that is not revoked: GET /v1/tokens lists them", id)
	}
	return err
}

// tokenPrefix marks the portal's tokens so that secret scanners and people
// recognise one.
const tokenPrefix = "jwo_"

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

// IssueToken makes a new random token, stores only its hash and records the
// creation in the merchant's audit log. It returns the token, which cannot
// be shown again, and what the token lists show of it. Safe while a server
// runs on the same database.
func (s *Service) IssueToken(ctx context.Context, spec TokenSpec) (string, jwo.Token, error) {
	if err := jwo.ValidateMerchantID(spec.Merchant); err != nil {
		return "", jwo.Token{}, err
	}
	role, err := jwo.ParseRole(string(spec.Role))
	if err != nil {
		return "", jwo.Token{}, err
	}
	if err := jwo.ValidateTokenName(spec.Name); err != nil {
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

	now := s.now()
	rec := store.Token{MerchantID: spec.Merchant, Role: role, Name: spec.Name, CreatedAt: now}
	if spec.ExpiresIn > 0 {
		at := now.Add(spec.ExpiresIn).Truncate(time.Millisecond)
		rec.ExpiresAt = &at
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
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

// AllTokens lists the tokens of one merchant ("" for every merchant) that
// are not revoked, oldest first, for `jwo-portal token list`. Last use is as
// the serving portals last wrote it (see tokenUse).
func (s *Service) AllTokens(ctx context.Context, merchant string) ([]TokenListing, error) {
	if merchant != "" {
		if err := jwo.ValidateMerchantID(merchant); err != nil {
			return nil, err
		}
	}
	var out []TokenListing
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		toks, err := tx.Tokens(ctx, merchant)
		for _, t := range toks {
			if t.RevokedAt == nil && !s.spentExchange(t) {
				out = append(out, TokenListing{Merchant: t.MerchantID, Token: tokenView(t)})
			}
		}
		return err
	})
	return out, err
}

// RevokeAnyToken revokes a token by its id, in whichever merchant, for
// `jwo-portal token revoke`. A serving portal refuses the token from its
// next request on: every request reads the token's row.
func (s *Service) RevokeAnyToken(ctx context.Context, id string) (TokenListing, error) {
	var tok store.Token
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		tok, err = revoke(ctx, tx, "", id, cliRevokeActor, s.now())
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

// defaultTokenUseInterval is how often the last use of tokens is written:
// last_used_at is at most this much behind, and a busy portal writes once
// per interval instead of once per request.
const defaultTokenUseInterval = time.Minute

// tokenUse keeps the last use of each token seen since the last flush. A
// request only updates a map; flush writes them all in one transaction.
type tokenUse struct {
	mu   sync.Mutex
	seen map[string]time.Time

	stop chan struct{}
	done chan struct{}
}

func newTokenUse() *tokenUse {
	return &tokenUse{seen: map[string]time.Time{}, stop: make(chan struct{}), done: make(chan struct{})}
}

// touch records a use; a nil tokenUse (no request served) records none.
func (u *tokenUse) touch(id string, at time.Time) {
	if u == nil {
		return
	}
	u.mu.Lock()
	if at.After(u.seen[id]) {
		u.seen[id] = at
	}
	u.mu.Unlock()
}

// latest is the use not yet written, if any.
func (u *tokenUse) latest(id string) (time.Time, bool) {
	if u == nil {
		return time.Time{}, false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	at, ok := u.seen[id]
	return at, ok
}

// flush writes the uses seen so far; on failure they are kept for the next.
func (u *tokenUse) flush(ctx context.Context, db *store.DB) error {
	u.mu.Lock()
	batch := u.seen
	u.seen = map[string]time.Time{}
	u.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		for id, at := range batch {
			if err := tx.RecordTokenUse(ctx, id, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for id, at := range batch {
			u.touch(id, at)
		}
	}
	return err
}

// run flushes every interval until stopped, then once more.
func (u *tokenUse) run(db *store.DB, log *slog.Logger, every time.Duration) {
	defer close(u.done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := u.flush(context.Background(), db); err != nil {
				log.Warn("recording the last use of tokens failed; it is kept for the next try", "error", err.Error())
			}
		case <-u.stop:
			ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
			defer cancel()
			if err := u.flush(ctx, db); err != nil {
				log.Warn("recording the last use of tokens at shutdown failed", "error", err.Error())
			}
			return
		}
	}
}

// close stops run after its last flush.
func (u *tokenUse) close() {
	select {
	case <-u.stop:
	default:
		close(u.stop)
	}
	<-u.done
}

// spentExchange: a token exchanged under a trust policy that has expired
// is left out of the lists; every CI job makes one, and the audit log keeps
// each exchange.
func (s *Service) spentExchange(t store.Token) bool {
	return t.TrustPolicyID != "" && t.ExpiresAt != nil && !s.now().Before(*t.ExpiresAt)
}
