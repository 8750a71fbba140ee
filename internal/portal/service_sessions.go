package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// ErrNoSession is the answer for a session that does not exist (never
// started, or ended).
var ErrNoSession = errors.New("no such console session")

// ConsoleSession is a signed-in browser of the web console as the database
// keeps it: every replica on the database serves it.
type ConsoleSession struct {
	Caller    Caller
	CSRF      string
	ExpiresAt time.Time
}

// sessionKey is what the database knows a session by: the digest of its
// cookie value, so that reading the table gives no one a session.
func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// StartSession records a session of the caller under the cookie value id.
// It keeps the caller's token digest, never the token.
func (s *Service) StartSession(ctx context.Context, c Caller, id, csrf string, expires time.Time) error {
	now := s.now()
	return s.db.Write(ctx, func(tx *store.Tx) error {
		return tx.InsertSession(ctx, store.Session{Key: sessionKey(id), TokenKey: c.pr.key, Via: c.pr.via,
			CSRF: csrf, CreatedAt: now, ExpiresAt: expires})
	})
}

// ResumeSession finds the session of a cookie value and checks its token
// again with the one authentication function: a token revoked, expired or
// removed since ends the session (the error is the 401 of the token).
func (s *Service) ResumeSession(ctx context.Context, id string) (ConsoleSession, error) {
	var ss store.Session
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		ss, err = tx.Session(ctx, sessionKey(id))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return ConsoleSession{}, ErrNoSession
	}
	if err != nil {
		return ConsoleSession{}, err
	}
	pr, err := s.authenticateDigest(ctx, ss.TokenKey)
	if err != nil {
		if IsKind(err, KindBadCredentials) {
			err = errors.Join(err, s.EndSession(ctx, id))
		}
		return ConsoleSession{}, err
	}
	pr.via = ss.Via
	return ConsoleSession{Caller: Caller{pr: pr}, CSRF: ss.CSRF, ExpiresAt: ss.ExpiresAt}, nil
}

// EndSession removes a session; ending one that is gone is no error.
func (s *Service) EndSession(ctx context.Context, id string) error {
	return s.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, sessionKey(id)) })
}
