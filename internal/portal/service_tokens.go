package portal

import (
	"context"
	"errors"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Tokens lists the caller's merchant's tokens that are not revoked, oldest
// first; admin only. Last use includes what this portal has seen and not
// written yet.
func (s *Service) Tokens(ctx context.Context, c Caller) ([]jwo.Token, error) {
	if err := requireAdmin(c.pr, "list tokens"); err != nil {
		return nil, err
	}
	out := []jwo.Token{}
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		toks, err := tx.Tokens(ctx, c.pr.merchant)
		for _, t := range toks {
			if t.RevokedAt != nil {
				continue
			}
			if at, ok := s.p.tokenUse.latest(t.ID); ok && (t.LastUsedAt == nil || at.After(*t.LastUsedAt)) {
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
	if err := requireAdmin(c.pr, "revoke tokens"); err != nil {
		return err
	}
	err := s.p.db.Write(ctx, func(tx *store.Tx) error {
		_, err := revoke(ctx, tx, c.pr.merchant, id, c.pr.actor(), s.p.now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound("the merchant has no token %q that is not revoked: GET /v1/tokens lists them", id)
	}
	return err
}
