package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// pageKey caches the page-token key: it never changes once made.
type pageKey struct {
	mu  sync.Mutex
	key []byte
}

// pageTokenKeyBytes is the length of the page-token key: HMAC-SHA256's
// block of strength.
const pageTokenKeyBytes = 32

// PageTokenKey is the key a front end signs its page tokens with, the same
// for every replica on the database (it is kept in the database, made by
// the first replica that asks), so that a page token from one replica is
// accepted by another and a token no replica made is refused.
func (s *Service) PageTokenKey(ctx context.Context) ([]byte, error) {
	s.pageKey.mu.Lock()
	defer s.pageKey.mu.Unlock()
	if s.pageKey.key != nil {
		return s.pageKey.key, nil
	}
	var candidate [pageTokenKeyBytes]byte
	_, _ = rand.Read(candidate[:]) // crypto/rand never fails on supported platforms
	var stored string
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = tx.PageTokenKey(ctx, hex.EncodeToString(candidate[:]))
		return err
	})
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) < pageTokenKeyBytes {
		return nil, fmt.Errorf("portal: the page-token key in the database is damaged (%d hex characters): delete the row of page_token_key to make a new one", len(stored))
	}
	s.pageKey.key = key
	return key, nil
}
