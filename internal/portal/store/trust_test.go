package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Pruning deletes exactly the exchanged tokens that expired before the
// given time: not a token someone created (expired or not), not an
// exchanged one still valid or expired since.
func TestPruneExchangedTokens(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
		tokens := []struct {
			name    string
			policy  string
			expires *time.Time
			pruned  bool
		}{
			{"exchanged, expired two days ago", "tp_1", at(-48 * time.Hour), true},
			{"exchanged, expired before the cut by a second", "tp_2", at(-24*time.Hour - time.Second), true},
			{"exchanged, expired an hour ago", "tp_1", at(-time.Hour), false},
			{"exchanged, valid", "tp_1", at(time.Hour), false},
			{"created, expired two days ago", "", at(-48 * time.Hour), false},
			{"created, never expires", "", nil, false},
		}
		ids := make([]string, len(tokens))
		mustWrite(t, db, func(tx *Tx) error {
			if _, err := tx.EnsureMerchant(ctx, "m", now); err != nil {
				return err
			}
			for i, tok := range tokens {
				rec, err := tx.InsertToken(ctx, []byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9}, Token{MerchantID: "m", Role: jwo.RoleViewer,
					Name: tok.name, CreatedAt: now.Add(-72 * time.Hour), ExpiresAt: tok.expires, TrustPolicyID: tok.policy})
				if err != nil {
					return err
				}
				ids[i] = rec.ID
			}
			return nil
		})
		var pruned int64
		mustWrite(t, db, func(tx *Tx) (err error) {
			pruned, err = tx.PruneExchangedTokens(ctx, now.Add(-24*time.Hour))
			return err
		})
		if pruned != 2 {
			t.Errorf("pruned %d tokens, want 2", pruned)
		}
		for i, tok := range tokens {
			var err error
			_ = db.Read(ctx, func(tx *Tx) error { _, err = tx.TokenByID(ctx, ids[i]); return nil })
			if gone := errors.Is(err, ErrNotFound); gone != tok.pruned {
				t.Errorf("%s: gone %t (%v), want %t", tok.name, gone, err, tok.pruned)
			}
		}
	})
}
